// Umbrella header.
#pragma once

#include "ein/beyond.hpp"
#include "ein/dtype.hpp"
#include "ein/einsum.hpp"
#include "ein/error.hpp"
#include "ein/ops.hpp"
#include "ein/options.hpp"
#include "ein/plan_file.hpp"
#include "ein/products.hpp"
#include "ein/tensor.hpp"
