#pragma once
// The whole public API of gat in one include.
#include "gat/core/error.hpp"
#include "gat/core/parallel.hpp"
#include "gat/core/random.hpp"
#include "gat/tensor/matrix.hpp"
#include "gat/tensor/csr_matrix.hpp"
#include "gat/tensor/features.hpp"
#include "gat/tensor/matmul.hpp"
#include "gat/tensor/sparse_matmul.hpp"
#include "gat/graph/graph.hpp"
#include "gat/graph/permutation.hpp"
#include "gat/module/parameter.hpp"
#include "gat/module/module.hpp"
