#pragma once
// The page's HTML, CSS and JavaScript (viewer/page/), embedded by CMake at configure time.
namespace gat::viewer::detail {
extern const char* const kPageHtml;
extern const char* const kPageCss;
extern const char* const kPageScript;
}  // namespace gat::viewer::detail
