#include "row_gather.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>

#include "recur/autograd/node.h"

namespace recur::seq_detail {

namespace {

class GatherRowsBackward : public Node {
 public:
  GatherRowsBackward(const char* name, std::vector<Shape> source_shapes, int64_t row_size,
                     std::vector<RowRef> rows)
      : name_(name),
        source_shapes_(std::move(source_shapes)),
        row_size_(row_size),
        rows_(std::move(rows)) {}

  std::vector<Tensor> backward(const std::vector<Tensor>& grad_outputs) override {
    std::vector<Tensor> grads(source_shapes_.size());
    for (size_t k = 0; k < grads.size(); ++k) {
      if (needs_input_grad(k)) grads[k] = Tensor::zeros(source_shapes_[k]);
    }
    const float* grad_out = grad_outputs.at(0).data();
    for (size_t i = 0; i < rows_.size(); ++i) {
      const RowRef& ref = rows_[i];
      if (ref.source < 0 || !grads[ref.source].defined()) continue;
      const float* from = grad_out + static_cast<int64_t>(i) * row_size_;
      float* to = grads[ref.source].data() + ref.row * row_size_;
      std::copy(from, from + row_size_, to);  // each source row is hit at most once
    }
    return grads;
  }
  std::string name() const override { return name_; }

 private:
  const char* name_;
  std::vector<Shape> source_shapes_;
  int64_t row_size_;
  std::vector<RowRef> rows_;
};

}  // namespace

Tensor gather_rows(const char* name, const std::vector<Tensor>& sources, int64_t row_size,
                   const std::vector<RowRef>& rows, const Shape& out_shape, float padding_value) {
  Tensor out = Tensor::empty(out_shape);
  if (out.numel() != static_cast<int64_t>(rows.size()) * row_size) {
    throw ShapeError(std::string(name) + ": internal error, " + std::to_string(rows.size()) +
                     " rows of " + std::to_string(row_size) + " do not fill " +
                     shape_str(out_shape));
  }
  float* dst = out.data();
  for (const RowRef& ref : rows) {
    if (ref.source < 0) {
      std::fill(dst, dst + row_size, padding_value);
    } else {
      const float* src = sources[ref.source].data() + ref.row * row_size;
      std::copy(src, src + row_size, dst);
    }
    dst += row_size;
  }
  if (needs_grad(sources)) {
    std::vector<Shape> shapes;
    shapes.reserve(sources.size());
    for (const Tensor& s : sources) shapes.push_back(s.shape());
    auto node = std::make_shared<GatherRowsBackward>(name, std::move(shapes), row_size, rows);
    connect(node, sources, {&out});
  }
  return out;
}

}  // namespace recur::seq_detail
