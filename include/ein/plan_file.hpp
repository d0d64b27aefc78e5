// Plan files: compiled einsum expressions saved to disk and loaded back without re-planning.
//
// The format is ein's own (docs/plan_files.md): the magic "EINPLANS", a format version, a count
// and per plan a tag string and a length-prefixed Expression::serialize() record. Loading treats
// the file as untrusted input: sizes are bounded, each record's checksum and contents are verified,
// and a defect is an ein::Error naming the record and what is wrong (IoError when the file cannot
// be read or written).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "ein/einsum.hpp"

namespace ein {

// A plan and a caller's tag for it (Python's plan cache stores the subscripts as the caller
// spelled them, to rebuild its keys; the tag is not trusted either: it is only a string).
struct SavedPlan {
  std::string tag;
  Expression expression;
};

void save_plans(const std::string& path, std::span<const SavedPlan> plans);
void save_plans(const std::string& path, std::span<const Expression> plans);  // empty tags
std::vector<SavedPlan> load_plans(const std::string& path);

// The same over bytes in memory.
std::vector<std::byte> plans_to_bytes(std::span<const SavedPlan> plans);
std::vector<SavedPlan> plans_from_bytes(std::span<const std::byte> bytes);

}  // namespace ein
