// Tests of the einsum parser. Every expected structure below was observed with NumPy 2.4
// (numpy.einsum, whose C implementation is the specification) on operands of the same shapes.
#include "ein/expr/parse.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ein::expr {
namespace {

ParsedExpression P(std::string_view subscripts, std::vector<Shape> shapes) {
  return parse(subscripts, shapes);
}

// ---------------------------------------------------------------------------------------------
// Grammar features

TEST(Parse, ExplicitMatmul) {
  const ParsedExpression p = P("ij,jk->ik", {{2, 3}, {3, 4}});
  EXPECT_EQ(p.num_labels, 3);
  EXPECT_EQ(p.inputs, (std::vector<std::vector<int>>{{0, 1}, {1, 2}}));
  EXPECT_EQ(p.output, (std::vector<int>{0, 2}));
  EXPECT_EQ(p.extents, (std::vector<Index>{2, 3, 4}));
  EXPECT_EQ(p.label_names, (std::vector<std::string>{"i", "j", "k"}));
  EXPECT_EQ(p.label_chars, (std::vector<char>{'i', 'j', 'k'}));
  EXPECT_EQ(p.equation(), "ij,jk->ik");
  EXPECT_EQ(p.output_shape(), (Shape{2, 4}));
  EXPECT_EQ(p.summation_length(), 3);
  EXPECT_EQ(p.num_ellipsis_labels(), 0);
  EXPECT_TRUE(p.in_output(0));
  EXPECT_FALSE(p.in_output(1));
}

TEST(Parse, ImplicitMatmul) {
  const ParsedExpression p = P("ij,jk", {{2, 3}, {3, 4}});
  EXPECT_EQ(p.equation(), "ij,jk->ik");
  EXPECT_EQ(p.output_shape(), (Shape{2, 4}));
}

TEST(Parse, ImplicitOutputIsSortedInAsciiOrder) {
  // numpy: 'ba' (2,3) -> (3,2); 'bA' (2,3) -> (3,2); 'zZ' (2,3) -> (3,2).
  EXPECT_EQ(P("ba", {{2, 3}}).equation(), "ba->ab");
  EXPECT_EQ(P("bA", {{2, 3}}).equation(), "bA->Ab");
  EXPECT_EQ(P("zZ", {{2, 3}}).output_shape(), (Shape{3, 2}));
  // numpy: 'ab,bA' (2,3),(3,4) -> (4,2): upper-case before lower-case.
  const ParsedExpression p = P("ab,bA", {{2, 3}, {3, 4}});
  EXPECT_EQ(p.equation(), "ab,bA->Aa");
  EXPECT_EQ(p.output_shape(), (Shape{4, 2}));
  // numpy: 'gf,ed,cb,a' -> (7,6,5,4,3,2,1).
  EXPECT_EQ(P("gf,ed,cb,a", {{1, 2}, {3, 4}, {5, 6}, {7}}).output_shape(),
            (Shape{7, 6, 5, 4, 3, 2, 1}));
}

TEST(Parse, ImplicitOutputDropsEveryRepeatedLabel) {
  // numpy: 'ii' (3,3) -> (); 'iij' (2,2,3) -> (3,); 'iji' -> (3,); 'iij,i' -> (3,);
  // 'Ba,aB' -> (); 'i,i' (1,),(1,) -> ().
  EXPECT_EQ(P("ii", {{3, 3}}).equation(), "ii->");
  EXPECT_EQ(P("iij", {{2, 2, 3}}).equation(), "iij->j");
  EXPECT_EQ(P("iji", {{2, 3, 2}}).equation(), "iji->j");
  EXPECT_EQ(P("iij,i", {{2, 2, 3}, {2}}).equation(), "iij,i->j");
  EXPECT_EQ(P("Ba,aB", {{2, 3}, {3, 2}}).equation(), "Ba,aB->");
  EXPECT_EQ(P("i,i", {{1}, {1}}).output_shape(), Shape{});
}

TEST(Parse, RepeatedLabelsTakeDiagonals) {
  const ParsedExpression p = P("ii->i", {{3, 3}});
  EXPECT_EQ(p.inputs, (std::vector<std::vector<int>>{{0, 0}}));
  EXPECT_EQ(p.output, (std::vector<int>{0}));
  EXPECT_EQ(p.extents, (std::vector<Index>{3}));
  EXPECT_EQ(p.summation_length(), 1);
  const ParsedExpression q = P("iij->j", {{2, 2, 4}});
  EXPECT_EQ(q.inputs, (std::vector<std::vector<int>>{{0, 0, 1}}));
  EXPECT_EQ(q.output_shape(), (Shape{4}));
  EXPECT_EQ(q.summation_length(), 2);
  EXPECT_EQ(P("ii->", {{4, 4}}).summation_length(), 4);
}

TEST(Parse, SpacesAreIgnored) {
  const ParsedExpression p = P(" i j , j k -> i k ", {{2, 3}, {3, 4}});
  EXPECT_EQ(p.equation(), "ij,jk->ik");
  EXPECT_EQ(P("i -> i", {{3}}).equation(), "i->i");
  EXPECT_EQ(P(" ... i ->... ", {{2, 3}}).output_shape(), (Shape{2}));
}

TEST(Parse, EmptyTermsAreScalars) {
  // numpy: '->' () -> (); '' () -> (); 'i,' (3,),() -> (3,); 'i,,j' -> (3,2).
  EXPECT_EQ(P("->", {{}}).equation(), "->");
  EXPECT_EQ(P("", {{}}).equation(), "->");
  EXPECT_EQ(P("i,", {{3}, {}}).equation(), "i,->i");
  EXPECT_EQ(P(",i", {{}, {3}}).equation(), ",i->i");
  const ParsedExpression p = P("i,,j", {{3}, {}, {2}});
  EXPECT_EQ(p.equation(), "i,,j->ij");
  EXPECT_EQ(p.output_shape(), (Shape{3, 2}));
}

TEST(Parse, ManyOperands) {
  const ParsedExpression p = P("a,b,c,d,e,f,g", {{1}, {2}, {3}, {4}, {5}, {6}, {7}});
  EXPECT_EQ(p.inputs.size(), 7u);
  EXPECT_EQ(p.output_shape(), (Shape{1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(P("ij,jk,kl,lm->im", {{2, 3}, {3, 4}, {4, 5}, {5, 6}}).output_shape(), (Shape{2, 6}));
}

TEST(Parse, SumToScalar) {
  const ParsedExpression p = P("ij->", {{3, 4}});
  EXPECT_EQ(p.output_shape(), Shape{});
  EXPECT_EQ(p.summation_length(), 12);
  EXPECT_EQ(P("i->", {{0}}).summation_length(), 0);
}

// ---------------------------------------------------------------------------------------------
// Broadcasting of named labels (numpy allows extent 1 against any extent across operands)

TEST(Parse, NamedLabelsBroadcastExtentOne) {
  // numpy: 'ij,jk' (2,1),(5,3) -> (2,3).
  const ParsedExpression p = P("ij,jk", {{2, 1}, {5, 3}});
  EXPECT_EQ(p.extents, (std::vector<Index>{2, 5, 3}));
  EXPECT_EQ(p.output_shape(), (Shape{2, 3}));
  // numpy: 'ab,ab->ba' (1,3),(2,1) -> (3,2).
  EXPECT_EQ(P("ab,ab->ba", {{1, 3}, {2, 1}}).output_shape(), (Shape{3, 2}));
  // numpy: 'i,i->i' (1,),(3,) -> (3,); (0,),(1,) -> (0,); (1,),(1,) -> (1,).
  EXPECT_EQ(P("i,i->i", {{1}, {3}}).output_shape(), (Shape{3}));
  EXPECT_EQ(P("i,i->i", {{0}, {1}}).output_shape(), (Shape{0}));
  EXPECT_EQ(P("i,i->i", {{1}, {1}}).output_shape(), (Shape{1}));
  // numpy: 'ii,i->i' (1,1),(3,) -> (3,): a 1x1 diagonal broadcasts too.
  EXPECT_EQ(P("ii,i->i", {{1, 1}, {3}}).output_shape(), (Shape{3}));
}

// ---------------------------------------------------------------------------------------------
// Ellipsis

TEST(Parse, EllipsisCoveringNoAxes) {
  // numpy: '...ij->ij' (3,4) -> (3,4); 'i->...' (3,) -> (); 'i->i...' (3,) -> (3,).
  EXPECT_EQ(P("...ij->ij", {{3, 4}}).equation(), "ij->ij");
  EXPECT_EQ(P("i->...", {{3}}).equation(), "i->");
  EXPECT_EQ(P("i->i...", {{3}}).equation(), "i->i");
  EXPECT_EQ(P("ij...,jk...->ik...", {{2, 3}, {3, 4}}).output_shape(), (Shape{2, 4}));
}

TEST(Parse, EllipsisLabels) {
  // numpy: '...,...' (2,3),(3,) -> (2,3).
  const ParsedExpression p = P("...,...", {{2, 3}, {3}});
  EXPECT_EQ(p.num_labels, 2);
  EXPECT_EQ(p.inputs, (std::vector<std::vector<int>>{{0, 1}, {1}}));
  EXPECT_EQ(p.output, (std::vector<int>{0, 1}));
  EXPECT_EQ(p.extents, (std::vector<Index>{2, 3}));
  EXPECT_EQ(p.label_names, (std::vector<std::string>{"...0", "...1"}));
  EXPECT_EQ(p.num_ellipsis_labels(), 2);
  EXPECT_EQ(p.equation(), "AB,B->AB");
}

TEST(Parse, EllipsisLabelIdsFollowFirstAppearance) {
  // The '...' of operand 0 covers only the last broadcast axis, so "...1" is met first.
  const ParsedExpression p = P("i...,...j", {{2, 3}, {4, 3, 5}});
  EXPECT_EQ(p.label_names, (std::vector<std::string>{"i", "...1", "...0", "j"}));
  EXPECT_EQ(p.inputs, (std::vector<std::vector<int>>{{0, 1}, {2, 1, 3}}));
  EXPECT_EQ(p.output, (std::vector<int>{2, 1, 0, 3}));  // '...' first, then i, j
  EXPECT_EQ(p.output_shape(), (Shape{4, 3, 2, 5}));
}

TEST(Parse, EllipsisBroadcastsRightAligned) {
  // numpy: '...,...' (2,1),(4,) -> (2,4); '...,...,...' (2,1,1),(3,1),(4,) -> (2,3,4).
  EXPECT_EQ(P("...,...", {{2, 1}, {4}}).output_shape(), (Shape{2, 4}));
  EXPECT_EQ(P("...,...,...", {{2, 1, 1}, {3, 1}, {4}}).output_shape(), (Shape{2, 3, 4}));
  // numpy: '...ij,...jk->...ik' (5,2,3),(3,4) -> (5,2,4); implicit (1,2,3),(7,3,4) -> (7,2,4).
  EXPECT_EQ(P("...ij,...jk->...ik", {{5, 2, 3}, {3, 4}}).output_shape(), (Shape{5, 2, 4}));
  const ParsedExpression p = P("...ij,...jk", {{1, 2, 3}, {7, 3, 4}});
  EXPECT_EQ(p.equation(), "Aij,Ajk->Aik");
  EXPECT_EQ(p.output_shape(), (Shape{7, 2, 4}));
  // numpy: '...i,...i->...' (2,1,3),(4,3) -> (2,4).
  EXPECT_EQ(P("...i,...i->...", {{2, 1, 3}, {4, 3}}).output_shape(), (Shape{2, 4}));
}

TEST(Parse, EllipsisAnywhereInATerm) {
  // numpy: 'a...b,...b' (2,3,4,5),(5,) -> (3,4,2); 'i...,i...' (2,3),(2,) -> (3,);
  // '...i,i' (2,3),(3,) -> (2,); '...z,Z...' (4,2),(3,1) -> (4,3,2).
  const ParsedExpression p = P("a...b,...b", {{2, 3, 4, 5}, {5}});
  EXPECT_EQ(p.equation(), "aABb,b->ABa");
  EXPECT_EQ(p.output_shape(), (Shape{3, 4, 2}));
  EXPECT_EQ(P("i...,i...", {{2, 3}, {2}}).equation(), "iA,i->A");
  EXPECT_EQ(P("...i,i", {{2, 3}, {3}}).equation(), "Ai,i->A");
  EXPECT_EQ(P("...z,Z...", {{4, 2}, {3, 1}}).output_shape(), (Shape{4, 3, 2}));
}

TEST(Parse, EllipsisWithDiagonals) {
  // numpy: '...ii->...i' (2,3,3) -> (2,3); 'i...i->i...' (3,2,3) -> (3,2).
  EXPECT_EQ(P("...ii->...i", {{2, 3, 3}}).equation(), "Aii->Ai");
  EXPECT_EQ(P("i...i->i...", {{3, 2, 3}}).equation(), "iAi->iA");
  // numpy: '...->...' (1,2) -> (1,2); '...,->...' (3,2),() -> (3,2); 'i...->...' (3,2) -> (2,).
  EXPECT_EQ(P("...->...", {{1, 2}}).output_shape(), (Shape{1, 2}));
  EXPECT_EQ(P("...,->...", {{3, 2}, {}}).output_shape(), (Shape{3, 2}));
  EXPECT_EQ(P("i...->...", {{3, 2}}).output_shape(), (Shape{2}));
}

TEST(Parse, EllipsisCharsAvoidUsedLetters) {
  const ParsedExpression p = P("AB...,B...", {{2, 3, 4}, {3, 4}});
  EXPECT_EQ(p.equation(), "ABC,BC->CA");
}

// ---------------------------------------------------------------------------------------------
// Sublist form

TEST(ParseSublists, Basic) {
  const std::vector<std::vector<int>> in = {{0, 1}, {1, 2}};
  const std::vector<Shape> shapes = {{2, 3}, {3, 4}};
  const ParsedExpression p = parse_sublists(in, std::nullopt, shapes);
  EXPECT_EQ(p.equation(), "AB,BC->AC");
  EXPECT_EQ(p.output_shape(), (Shape{2, 4}));
  const ParsedExpression q = parse_sublists(in, std::vector<int>{2, 0}, shapes);
  EXPECT_EQ(q.equation(), "AB,BC->CA");
}

TEST(ParseSublists, ImplicitOrderIsIntegerOrder) {
  // numpy: einsum(a, [27, 1], b, [1, 2]) with a (2,3), b (3,4) -> (4, 2): 2 ('C') < 27 ('b').
  const std::vector<std::vector<int>> in = {{27, 1}, {1, 2}};
  const std::vector<Shape> shapes = {{2, 3}, {3, 4}};
  EXPECT_EQ(parse_sublists(in, std::nullopt, shapes).output_shape(), (Shape{4, 2}));
  // numpy: einsum(a, [26, 1]) with a (2,3) -> (3,2).
  const std::vector<std::vector<int>> one = {{26, 1}};
  const std::vector<Shape> s1 = {{2, 3}};
  EXPECT_EQ(parse_sublists(one, std::nullopt, s1).output_shape(), (Shape{3, 2}));
}

TEST(ParseSublists, Ellipsis) {
  // numpy: einsum(a, [..., 1], [1, ...]) with a (2,3) -> (3,2).
  const std::vector<std::vector<int>> in = {{kEllipsis, 1}};
  const std::vector<Shape> shapes = {{2, 3}};
  EXPECT_EQ(parse_sublists(in, std::vector<int>{1, kEllipsis}, shapes).output_shape(),
            (Shape{3, 2}));
}

// ---------------------------------------------------------------------------------------------
// Errors: each names the problem and puts a caret under the offending character.

struct Failure {
  ErrorCode code;
  std::string message;
};

Failure failure(std::string_view subscripts, std::vector<Shape> shapes) {
  try {
    parse(subscripts, shapes);
  } catch (const Error& e) {
    return {e.code(), e.what()};
  }
  ADD_FAILURE() << "no error for \"" << subscripts << "\"";
  return {ErrorCode::Internal, ""};
}

// The column of the caret, relative to the first character inside the quotes; -1 if none.
int caret_column(const std::string& message) {
  const std::size_t nl = message.find('\n');
  if (nl == std::string::npos) return -1;
  const std::size_t quote = message.find('"');
  const std::size_t caret = message.find('^', nl);
  if (quote == std::string::npos || caret == std::string::npos) return -1;
  return static_cast<int>(caret - (nl + 1)) - static_cast<int>(quote + 1);
}

void expect_error(std::string_view subscripts, std::vector<Shape> shapes, ErrorCode code,
                  std::vector<std::string> keywords, int caret) {
  SCOPED_TRACE(std::string(subscripts));
  const Failure f = failure(subscripts, std::move(shapes));
  EXPECT_EQ(f.code, code) << error_code_name(f.code) << ": " << f.message;
  for (const std::string& k : keywords) {
    EXPECT_NE(f.message.find(k), std::string::npos) << "missing '" << k << "' in:\n" << f.message;
  }
  EXPECT_EQ(caret_column(f.message), caret) << f.message;
}

TEST(ParseErrors, MessageLayout) {
  const Failure f = failure("ij,j3->i", {{2, 3}, {3, 3}});
  EXPECT_EQ(f.message,
            "einsum: invalid subscript '3' (labels are the letters a-z and A-Z) in \"ij,j3->i\"\n"
            "                                                                           ^");
}

TEST(ParseErrors, BadCharacter) {
  expect_error("ij,j3->i", {{2, 3}, {3, 3}}, ErrorCode::ParseError, {"invalid subscript '3'"}, 4);
  expect_error("i\tj", {{3, 2}}, ErrorCode::ParseError, {"invalid subscript '\\x09'", "i?j"}, 1);
  expect_error("ij->i3", {{3, 2}}, ErrorCode::ParseError, {"invalid subscript '3'"}, 5);
  expect_error("i>i", {{3}}, ErrorCode::ParseError, {"'>'", "'-'"}, 1);
  expect_error("ij->i,j", {{3, 2}}, ErrorCode::ParseError, {"','", "output"}, 5);
}

TEST(ParseErrors, ArrowTwice) {
  expect_error("i->i->i", {{3}}, ErrorCode::ParseError, {"'->' appears twice"}, 4);
}

TEST(ParseErrors, DashWithoutGreater) {
  expect_error("i-i", {{3}}, ErrorCode::ParseError, {"'-' is not followed by '>'"}, 1);
  expect_error("i- >i", {{3}}, ErrorCode::ParseError, {"'-'"}, 1);
  expect_error("i-", {{3}}, ErrorCode::ParseError, {"'-'"}, 1);
}

TEST(ParseErrors, LoneDot) {
  expect_error("i.->i", {{3}}, ErrorCode::ParseError, {"'.' is not part of", "operand 0"}, 1);
  expect_error("i..->i", {{3}}, ErrorCode::ParseError, {"'.'"}, 1);
  expect_error("i,. ..", {{3}, {}}, ErrorCode::ParseError, {"'.'", "operand 1"}, 2);
  expect_error("i....->i", {{3}}, ErrorCode::ParseError, {"'.'"}, 4);
  expect_error("ij->i.", {{3, 2}}, ErrorCode::ParseError, {"'.'", "the output"}, 5);
}

TEST(ParseErrors, EllipsisTwice) {
  expect_error("...i...", {{2, 3}}, ErrorCode::ParseError, {"'...' appears twice", "operand 0"}, 4);
  expect_error("i,......", {{2}, {3}}, ErrorCode::ParseError, {"appears twice", "operand 1"}, 5);
  expect_error("...i->...i...", {{2, 3}}, ErrorCode::ParseError, {"appears twice", "the output"},
               10);
}

TEST(ParseErrors, OutputLabelNotInInputs) {
  expect_error("i->j", {{3}}, ErrorCode::ParseError, {"output label 'j'", "any input"}, 3);
}

TEST(ParseErrors, OutputLabelRepeated) {
  expect_error("ij->iji", {{3, 2}}, ErrorCode::ParseError, {"output label 'i' appears twice"}, 6);
}

TEST(ParseErrors, OperandCount) {
  expect_error("i,j", {{3}}, ErrorCode::InvalidArgument, {"2 input terms", "1 operand was given"},
               2);
  expect_error("i->i", {{3}, {3}}, ErrorCode::InvalidArgument,
               {"1 input term ", "2 operands were given"}, 1);
  expect_error("", {}, ErrorCode::InvalidArgument, {"1 input term", "0 operands"}, 0);
}

TEST(ParseErrors, TermLengthDiffersFromRank) {
  expect_error("ij,jk", {{2, 3}, {3}}, ErrorCode::ShapeMismatch,
               {"operand 1 has 1 dimension", "names 2 labels"}, 3);
  expect_error("ij", {{3}}, ErrorCode::ShapeMismatch, {"operand 0 has 1 dimension", "names 2"}, 0);
  expect_error("i", {{3, 4}}, ErrorCode::ShapeMismatch, {"operand 0 has 2 dimensions", "1 label"},
               0);
  expect_error("i, ...ij", {{3}, {4}}, ErrorCode::ShapeMismatch,
               {"operand 1 has 1 dimension", "2 labels besides '...'"}, 3);
}

TEST(ParseErrors, OutputWithoutEllipsis) {
  // numpy refuses these even when the '...' axes have extent 1.
  expect_error("...ij->ij", {{2, 3, 4}}, ErrorCode::ShapeMismatch,
               {"no '...'", "operand 0", "1 axis"}, 7);
  expect_error("...ij->ij", {{1, 3, 4}}, ErrorCode::ShapeMismatch, {"no '...'"}, 7);
  expect_error("...i,...i->i", {{3}, {1, 3}}, ErrorCode::ShapeMismatch, {"operand 1"}, 11);
  expect_error("...->", {{2, 3}}, ErrorCode::ShapeMismatch, {"2 axes"}, 5);
}

TEST(ParseErrors, ExtentsDisagree) {
  expect_error("ij,jk", {{2, 3}, {4, 5}}, ErrorCode::ShapeMismatch,
               {"label 'j'", "3 in operand 0 (axis 1)", "4 in operand 1 (axis 0)", "equal or 1"},
               3);
  expect_error("i,i->i", {{0}, {3}}, ErrorCode::ShapeMismatch, {"label 'i'", "0", "3"}, 2);
  expect_error("ab,cb,db", {{2, 1}, {3, 5}, {4, 6}}, ErrorCode::ShapeMismatch,
               {"label 'b'", "5 in operand 1 (axis 1)", "6 in operand 2 (axis 1)"}, 7);
}

TEST(ParseErrors, EllipsisAxesDisagree) {
  expect_error(
      "...,...", {{2, 3}, {4}}, ErrorCode::ShapeMismatch,
      {"'...' axes do not broadcast", "3 in operand 0 (axis 1)", "4 in operand 1 (axis 0)"}, 4);
  expect_error("...z,Z...", {{4, 2}, {3, 5}}, ErrorCode::ShapeMismatch, {"'...'"}, 6);
}

TEST(ParseErrors, RepeatedLabelWithDifferentExtents) {
  expect_error("ii", {{2, 3}}, ErrorCode::ShapeMismatch,
               {"label 'i' repeats in operand 0", "2 at axis 0", "3 at axis 1"}, 1);
  // No broadcasting inside one operand (numpy: 'ii->i' (1,3) is an error).
  expect_error("ii->i", {{1, 3}}, ErrorCode::ShapeMismatch, {"repeats"}, 1);
  expect_error("j,iji", {{2}, {2, 2, 3}}, ErrorCode::ShapeMismatch, {"operand 1", "axis 2"}, 4);
}

// A deliberate deviation: numpy.einsum's single-operand path accepts 'aa->a' on a (0, 3) array
// and returns 3 uninitialised values (it skips the check when the first extent is 0); its
// multi-operand path ('aa,a->a') and optimize=True both reject it, and so do we.
TEST(ParseErrors, DiagonalWithZeroExtentFirst) {
  expect_error("aa->a", {{0, 3}}, ErrorCode::ShapeMismatch, {"0 at axis 0", "3 at axis 1"}, 1);
  expect_error("abb->ab", {{2, 0, 3}}, ErrorCode::ShapeMismatch, {"label 'b'"}, 2);
  EXPECT_EQ(P("aa->a", {{0, 0}}).output_shape(), (Shape{0}));
}

TEST(ParseErrors, NegativeExtent) {
  const Failure f = failure("i", {{-1}});
  EXPECT_EQ(f.code, ErrorCode::InvalidArgument);
}

TEST(ParseErrors, Sublists) {
  const std::vector<Shape> shapes = {{2, 3}};
  const std::vector<std::vector<int>> bad = {{0, 52}};
  try {
    parse_sublists(bad, std::nullopt, shapes);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::ParseError);
    EXPECT_NE(std::string(e.what()).find("52"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[0, 52)"), std::string::npos) << e.what();
  }
  const std::vector<std::vector<int>> negative = {{0, -2}};
  EXPECT_THROW(parse_sublists(negative, std::nullopt, shapes), Error);
  // numpy: dimensions in operand 0 for collapsing index 'A' don't match (2 != 3).
  const std::vector<std::vector<int>> diag = {{0, 0}};
  try {
    parse_sublists(diag, std::nullopt, shapes);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::ShapeMismatch);
    EXPECT_NE(std::string(e.what()).find("label 'A'"), std::string::npos) << e.what();
  }
  const std::vector<std::vector<int>> ok = {{0, 1}};
  EXPECT_THROW(parse_sublists(ok, std::vector<int>{1, 1}, shapes), Error);
}

}  // namespace
}  // namespace ein::expr
