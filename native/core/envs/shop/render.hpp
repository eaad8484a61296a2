// The text of a shop page. Every observation starts with the instruction and ends with
// the actions available on the page:
//   Instruction: i need ...
//   <page body>
//   Actions: search[...]                                   (search page)
//   Actions: click[back to search], click[next >], ...     (other pages)
#pragma once
#include <string_view>

#include "core/envs/shop/pages.hpp"
#include "core/text/text_sink.hpp"

namespace gigpo::shop {

// "$12.50".
void writePrice(uint32_t cents, text::TextSink& out);

void renderPage(const Session& s, const Catalog& catalog, std::string_view instruction, const ClickableList& clickables,
                int numClickables, text::TextSink& out);

}  // namespace gigpo::shop
