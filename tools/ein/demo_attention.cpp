// The multi-head attention section of `ein demo`.
//
// HOOK: the nn front door fills this in (scaled dot-product attention over the einsum engine:
// scores 'bhid,bhjd->bhij', softmax, output 'bhij,bhjd->bhid', checked against a loop
// reference). Until then the demo has no attention section.
#include "demo_command.hpp"

namespace ein::cli {

void demo_attention(DemoContext& ctx) { (void)ctx; }

}  // namespace ein::cli
