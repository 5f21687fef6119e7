#include "recur/ops/arithmetic.h"

#include "broadcast.h"
#include "elementwise.h"
#include "op_node.h"

namespace recur {

using ops_detail::Grads;
using ops_detail::map_broadcast;
using ops_detail::map_unary;
using ops_detail::record;
using ops_detail::reduce_to_shape;

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  return ops_detail::plan_broadcast(a, b, op).out_shape;
}

Tensor add(const Tensor& a, const Tensor& b) {
  Tensor y = map_broadcast(a, b, "add", [](float x, float z) { return x + z; });
  record("AddBackward", {a, b}, {&y},
         [sa = a.shape(), sb = b.shape()](const Grads& g, const Node& node) {
           return Grads{node.needs_input_grad(0) ? reduce_to_shape(g[0], sa) : Tensor(),
                        node.needs_input_grad(1) ? reduce_to_shape(g[0], sb) : Tensor()};
         });
  return y;
}

Tensor sub(const Tensor& a, const Tensor& b) {
  Tensor y = map_broadcast(a, b, "sub", [](float x, float z) { return x - z; });
  record("SubBackward", {a, b}, {&y},
         [sa = a.shape(), sb = b.shape()](const Grads& g, const Node& node) {
           Tensor db;
           if (node.needs_input_grad(1)) {
             db = reduce_to_shape(map_unary(g[0], [](float v) { return -v; }), sb);
           }
           return Grads{node.needs_input_grad(0) ? reduce_to_shape(g[0], sa) : Tensor(), db};
         });
  return y;
}

Tensor mul(const Tensor& a, const Tensor& b) {
  Tensor y = map_broadcast(a, b, "mul", [](float x, float z) { return x * z; });
  auto times = [](float g, float v) { return g * v; };
  record("MulBackward", {a, b}, {&y},
         [a = a.detach(), b = b.detach(), times](const Grads& g, const Node& node) {
           Tensor da, db;
           if (node.needs_input_grad(0)) {
             da = reduce_to_shape(map_broadcast(g[0], b, "mul", times), a.shape());
           }
           if (node.needs_input_grad(1)) {
             db = reduce_to_shape(map_broadcast(g[0], a, "mul", times), b.shape());
           }
           return Grads{da, db};
         });
  return y;
}

Tensor div(const Tensor& a, const Tensor& b) {
  Tensor y = map_broadcast(a, b, "div", [](float x, float z) { return x / z; });
  record("DivBackward", {a, b}, {&y},
         [sa = a.shape(), b = b.detach(), y = y.detach()](const Grads& g, const Node& node) {
           // d(a/b)/da = 1/b and d(a/b)/db = -y/b, so both share g/b.
           const Tensor g_over_b =
               map_broadcast(g[0], b, "div", [](float gv, float bv) { return gv / bv; });
           Tensor da, db;
           if (node.needs_input_grad(0)) da = reduce_to_shape(g_over_b, sa);
           if (node.needs_input_grad(1)) {
             db = reduce_to_shape(
                 ops_detail::zip(g_over_b, y, [](float q, float yv) { return -q * yv; }),
                 b.shape());
           }
           return Grads{da, db};
         });
  return y;
}

Tensor neg(const Tensor& x) { return mul(x, -1.0f); }

Tensor add(const Tensor& a, float b) {
  Tensor y = map_unary(a, [b](float v) { return v + b; });
  record("AddScalarBackward", {a}, {&y}, [](const Grads& g, const Node&) { return g; });
  return y;
}

Tensor mul(const Tensor& a, float b) {
  Tensor y = map_unary(a, [b](float v) { return v * b; });
  record("MulScalarBackward", {a}, {&y}, [b](const Grads& g, const Node&) {
    return Grads{map_unary(g[0], [b](float v) { return v * b; })};
  });
  return y;
}

Tensor div(const Tensor& a, float b) {
  Tensor y = map_unary(a, [b](float v) { return v / b; });
  record("DivScalarBackward", {a}, {&y}, [b](const Grads& g, const Node&) {
    return Grads{map_unary(g[0], [b](float v) { return v / b; })};
  });
  return y;
}

Tensor rsub(float a, const Tensor& b) {
  Tensor y = map_unary(b, [a](float v) { return a - v; });
  record("RsubScalarBackward", {b}, {&y}, [](const Grads& g, const Node&) {
    return Grads{map_unary(g[0], [](float v) { return -v; })};
  });
  return y;
}

Tensor rdiv(float a, const Tensor& b) {
  Tensor y = map_unary(b, [a](float v) { return a / v; });
  record("RdivScalarBackward", {b}, {&y},
         [b = b.detach(), y = y.detach()](const Grads& g, const Node&) {
           return Grads{ops_detail::zip3(
               g[0], y, b, [](float gv, float yv, float bv) { return -gv * yv / bv; })};
         });
  return y;
}

Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
Tensor operator+(const Tensor& a, float b) { return add(a, b); }
Tensor operator-(const Tensor& a, float b) { return add(a, -b); }
Tensor operator*(const Tensor& a, float b) { return mul(a, b); }
Tensor operator/(const Tensor& a, float b) { return div(a, b); }
Tensor operator+(float a, const Tensor& b) { return add(b, a); }
Tensor operator-(float a, const Tensor& b) { return rsub(a, b); }
Tensor operator*(float a, const Tensor& b) { return mul(b, a); }
Tensor operator/(float a, const Tensor& b) { return rdiv(a, b); }
Tensor operator-(const Tensor& x) { return neg(x); }

}  // namespace recur
