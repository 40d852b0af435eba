#pragma once
// The synthetic citation graph (the default dataset): a contextual stochastic block model shaped
// like Cora. SyntheticCitationOptions and make_synthetic_citation are declared in dataset.hpp;
// see gat/src/io/synthetic.cpp for the model.
#include "gat/io/dataset.hpp"
