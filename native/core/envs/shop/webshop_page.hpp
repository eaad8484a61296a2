// The page text of profile verl-agent: WebShop's text observation ("simple" mode: the
// page's visible strings joined by " [SEP] "), as verl-agent's WebShop env returns it:
//   search:      WebShop [SEP] Instruction: [SEP] <instruction> [SEP] Search
//   results:     Instruction: [SEP] <instruction> [SEP] Back to Search [SEP] Page <p> (Total
//                results: <n>) [SEP] [< Prev [SEP]] Next > [SEP] <ID> [SEP] <title> [SEP] $<price> ...
//   item:        ... [SEP] Back to Search [SEP] < Prev [SEP] <option label> [SEP] <value> ...
//                [SEP] <title> [SEP] Price: $<price> [SEP] Rating: N.A. [SEP] Description [SEP]
//                Features [SEP] Reviews [SEP] Buy Now
//   description: ... [SEP] Back to Search [SEP] < Prev [SEP] <description>
//   features:    ... [SEP] Back to Search [SEP] < Prev [SEP] <feature> [SEP] <feature> ...
//   reviews:     ... [SEP] Back to Search [SEP] < Prev
//   after buying: Thank you for shopping with us! [SEP] Your score (min 0.0, max 1.0) [SEP]
//                <score as Python prints a float> (WebShop's page also lists its records of
//                the goal and the purchase; they are left out).
// Selected options are not shown (WebShop marks them in the HTML only). verl-agent's
// environment manager then cuts each text after the instruction and quotes each part for
// its prompt; that is left to the prompt template, since the instruction is only in here.
#pragma once
#include <string_view>

#include "core/envs/shop/pages.hpp"
#include "core/text/text_sink.hpp"

namespace gigpo::shop {

// boughtScore < 0: not bought yet.
void renderWebshopPage(const Session& s, const Catalog& catalog, std::string_view instruction, double boughtScore,
                       text::TextSink& out);

}  // namespace gigpo::shop
