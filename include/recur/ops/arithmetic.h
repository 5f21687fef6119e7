// Elementwise arithmetic with NumPy/PyTorch broadcasting: shapes are aligned from the right and
// a dimension of size 1 (or a missing one) stretches to match the other operand. Incompatible
// shapes throw ShapeError ("add: shapes [2, 3] and [4] cannot be broadcast"). The backward pass
// sums each gradient over the dimensions its input was broadcast along.
//
//   Tensor y = x * w + b;          // x [B, H], w [H], b [1]
//   Tensor z = 1.0f - sigmoid(y);  // scalars mix in freely
#pragma once

#include "recur/tensor/tensor.h"

namespace recur {

// The shape both operands broadcast to; ShapeError naming `op` when there is none.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op = "broadcast");

Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);
Tensor neg(const Tensor& x);

// With a plain number (treated as a constant, not differentiated).
Tensor add(const Tensor& a, float b);
Tensor mul(const Tensor& a, float b);
Tensor div(const Tensor& a, float b);
Tensor rsub(float a, const Tensor& b);  // a - b
Tensor rdiv(float a, const Tensor& b);  // a / b

Tensor operator+(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Tensor& b);
Tensor operator+(const Tensor& a, float b);
Tensor operator-(const Tensor& a, float b);
Tensor operator*(const Tensor& a, float b);
Tensor operator/(const Tensor& a, float b);
Tensor operator+(float a, const Tensor& b);
Tensor operator-(float a, const Tensor& b);
Tensor operator*(float a, const Tensor& b);
Tensor operator/(float a, const Tensor& b);
Tensor operator-(const Tensor& x);

}  // namespace recur
