// All differentiable operations of recur (layer 3): include this one header to get them.
#pragma once

#include "recur/ops/activation.h"
#include "recur/ops/arithmetic.h"
#include "recur/ops/ctc.h"
#include "recur/ops/dropout.h"
#include "recur/ops/embedding.h"
#include "recur/ops/indexing.h"
#include "recur/ops/loss.h"
#include "recur/ops/matmul.h"
#include "recur/ops/normalization.h"
#include "recur/ops/reduction.h"
#include "recur/ops/shape.h"
#include "recur/ops/softmax.h"
