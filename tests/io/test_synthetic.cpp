#include <catch2/catch.hpp>
#include "gat/io/dataset.hpp"
TEST_CASE("synthetic placeholder", "[io]") { CHECK(gat::io::make_synthetic_citation().num_nodes() == 2708); }
