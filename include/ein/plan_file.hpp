// Plan files: compiled einsum expressions saved to disk and loaded back without re-planning.
//
// The format is ein's own (docs/plan_files.md): the magic "EINPLANS", a format version, a count
// and one length-prefixed Expression::serialize() record per plan. Loading treats the file as
// untrusted input: sizes are bounded, each record's checksum and contents are verified, and a
// defect is an ein::Error naming the record and what is wrong (IoError when the file cannot be
// read or written).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "ein/einsum.hpp"

namespace ein {

void save_plans(const std::string& path, std::span<const Expression> plans);
std::vector<Expression> load_plans(const std::string& path);

// The same over bytes in memory.
std::vector<std::byte> plans_to_bytes(std::span<const Expression> plans);
std::vector<Expression> plans_from_bytes(std::span<const std::byte> bytes);

}  // namespace ein
