// The restricted pickle machine. Values live in an arena owned by the machine (raw pointers
// between them), so a malicious pickle that builds cycles through the memo cannot leak or loop.
#include "gat/io/pickle.hpp"

#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <unordered_map>

#include "gat/core/checked_size.hpp"
#include "gat/core/error.hpp"

namespace gat::io::pickle {

double Array::as_double(std::int64_t i) const noexcept {
  const char* p = bytes.data() + i * itemsize;
  if (kind == 'f') {
    if (itemsize == 4) {
      float v;
      std::memcpy(&v, p, 4);
      return v;
    }
    double v;
    std::memcpy(&v, p, 8);
    return v;
  }
  return static_cast<double>(as_int(i));
}

std::int64_t Array::as_int(std::int64_t i) const noexcept {
  const char* p = bytes.data() + i * itemsize;
  if (kind == 'f') return static_cast<std::int64_t>(as_double(i));
  if (kind == 'i') {
    switch (itemsize) {
      case 1: { std::int8_t v; std::memcpy(&v, p, 1); return v; }
      case 2: { std::int16_t v; std::memcpy(&v, p, 2); return v; }
      case 4: { std::int32_t v; std::memcpy(&v, p, 4); return v; }
      default: { std::int64_t v; std::memcpy(&v, p, 8); return v; }
    }
  }
  switch (itemsize) {  // 'u' and 'b'
    case 1: { std::uint8_t v; std::memcpy(&v, p, 1); return v; }
    case 2: { std::uint16_t v; std::memcpy(&v, p, 2); return v; }
    case 4: { std::uint32_t v; std::memcpy(&v, p, 4); return v; }
    default: { std::uint64_t v; std::memcpy(&v, p, 8); return static_cast<std::int64_t>(v & 0x7fffffffffffffffULL); }
  }
}

namespace {

enum class Kind { none, boolean, integer, bytes, tuple, list, dict, global, array, dtype, csr, mark };

struct Value {
  Kind kind = Kind::none;
  std::int64_t integer = 0;
  std::string text;                                 // bytes, or a global's "module name"
  std::vector<Value*> items;                        // tuple, list
  std::vector<std::pair<Value*, Value*>> entries;   // dict, csr state
  Array array;                                      // array (shape/kind/bytes), dtype (kind/itemsize)
  bool built = false;                               // array, dtype: BUILD applied
};

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::none: return "None";
    case Kind::boolean: return "bool";
    case Kind::integer: return "int";
    case Kind::bytes: return "str";
    case Kind::tuple: return "tuple";
    case Kind::list: return "list";
    case Kind::dict: return "dict";
    case Kind::global: return "global";
    case Kind::array: return "numpy.ndarray";
    case Kind::dtype: return "numpy.dtype";
    case Kind::csr: return "csr_matrix";
    case Kind::mark: return "mark";
  }
  return "?";
}

class Machine {
 public:
  Machine(std::string_view bytes, const std::string& file) : in_(bytes), file_(file) {}

  Value* run() {
    while (true) {
      op_pos_ = pos_;
      const unsigned char op = byte();
      switch (op) {
        case 0x80: {  // PROTO
          const unsigned char v = byte();
          if (v > 2) fail("pickle protocol " + std::to_string(v) + " (only protocols 0-2 are read)");
          break;
        }
        case '.':  // STOP
          if (stack_.size() != 1 || marks_.size() != 0) fail("STOP with " + std::to_string(stack_.size()) + " values on the stack");
          if (pos_ != in_.size()) fail("trailing bytes after STOP");
          return stack_.back();
        case 'c': {  // GLOBAL
          std::string module = line(), name = line();
          const std::string full = module + " " + name;
          static const char* allowed[] = {"numpy.core.multiarray _reconstruct", "numpy ndarray", "numpy dtype",
                                          "scipy.sparse.csr csr_matrix", "collections defaultdict", "__builtin__ list"};
          bool ok = false;
          for (const char* a : allowed) ok |= (full == a);
          if (!ok) fail("refusing class '" + module + "." + name + "': only numpy arrays, scipy CSR matrices and dicts of lists are read");
          Value* v = make(Kind::global);
          v->text = full;
          push(v);
          break;
        }
        case 'q': memo_put(byte()); break;     // BINPUT
        case 'r': memo_put(u32()); break;      // LONG_BINPUT
        case 'h': push(memo_get(byte())); break;  // BINGET
        case 'j': push(memo_get(u32())); break;   // LONG_BINGET
        case '(': marks_.push_back(stack_.size()); break;  // MARK
        case ')': push(make(Kind::tuple)); break;           // EMPTY_TUPLE
        case ']': push(make(Kind::list)); break;            // EMPTY_LIST
        case '}': push(make(Kind::dict)); break;            // EMPTY_DICT
        case 'N': push(make(Kind::none)); break;            // NONE
        case 0x88: case 0x89: {                              // NEWTRUE, NEWFALSE
          Value* v = make(Kind::boolean);
          v->integer = op == 0x88;
          push(v);
          break;
        }
        case 'K': push_int(byte()); break;  // BININT1
        case 'M': {                          // BININT2
          const std::uint32_t lo = byte();
          push_int(lo | (static_cast<std::uint32_t>(byte()) << 8));
          break;
        }
        case 'J': push_int(static_cast<std::int32_t>(u32())); break;  // BININT
        case 0x8a: {  // LONG1
          const unsigned n = byte();
          if (n > 8) fail("integer of " + std::to_string(n) + " bytes is too large");
          std::string_view b = take(n);
          std::uint64_t v = 0;
          for (unsigned i = 0; i < n; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(b[i])) << (8 * i);
          if (n > 0 && n < 8 && (static_cast<unsigned char>(b[n - 1]) & 0x80)) v |= ~std::uint64_t{0} << (8 * n);
          push_int(static_cast<std::int64_t>(v));
          break;
        }
        case 'U': {  // SHORT_BINSTRING
          const unsigned n = byte();
          push_bytes(take(n));
          break;
        }
        case 'T': {  // BINSTRING
          const std::uint32_t n = u32();
          if (n > 0x7fffffff) fail("negative string length");
          push_bytes(take(n));
          break;
        }
        case 0x85: case 0x86: case 0x87: {  // TUPLE1..3
          const std::size_t n = op - 0x84u;
          need(n);
          Value* t = make(Kind::tuple);
          t->items.assign(stack_.end() - static_cast<std::ptrdiff_t>(n), stack_.end());
          stack_.resize(stack_.size() - n);
          push(t);
          break;
        }
        case 't': {  // TUPLE
          Value* t = make(Kind::tuple);
          t->items = pop_mark();
          push(t);
          break;
        }
        case 'a': {  // APPEND
          need(2);
          Value* v = pop();
          append(top(), v);
          break;
        }
        case 'e': {  // APPENDS
          auto items = pop_mark();
          need(1);
          for (Value* v : items) append(top(), v);
          break;
        }
        case 's': {  // SETITEM
          need(3);
          Value* v = pop();
          Value* k = pop();
          set_item(top(), k, v);
          break;
        }
        case 'u': {  // SETITEMS
          auto items = pop_mark();
          if (items.size() % 2) fail("SETITEMS with an odd number of values");
          need(1);
          for (std::size_t i = 0; i < items.size(); i += 2) set_item(top(), items[i], items[i + 1]);
          break;
        }
        case 'R': {  // REDUCE
          need(2);
          Value* args = pop();
          Value* callable = pop();
          push(reduce(callable, args));
          break;
        }
        case 0x81: {  // NEWOBJ
          need(2);
          Value* args = pop();
          Value* cls = pop();
          if (cls->kind != Kind::global || cls->text != "scipy.sparse.csr csr_matrix" || args->kind != Kind::tuple ||
              !args->items.empty())
            fail("NEWOBJ is only accepted for csr_matrix()");
          push(make(Kind::csr));
          break;
        }
        case 'b': {  // BUILD
          need(2);
          Value* state = pop();
          build(top(), state);
          break;
        }
        default: {
          std::ostringstream m;
          m << "unsupported pickle opcode 0x" << std::hex << static_cast<int>(op)
            << " (this reader accepts only the opcodes of the Planetoid files)";
          fail(m.str());
        }
      }
    }
  }

  [[noreturn]] void fail(const std::string& message) const {
    throw DataError(file_, 0, "byte " + std::to_string(op_pos_) + ": " + message);
  }

 private:
  Value* make(Kind k) {
    if (arena_.size() > (std::size_t{1} << 27)) fail("too many objects");
    arena_.push_back(std::make_unique<Value>());
    arena_.back()->kind = k;
    return arena_.back().get();
  }
  unsigned char byte() {
    if (pos_ >= in_.size()) truncated();
    return static_cast<unsigned char>(in_[pos_++]);
  }
  std::uint32_t u32() {
    std::string_view b = take(4);
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(b[i])) << (8 * i);
    return v;
  }
  std::string_view take(std::size_t n) {
    if (n > in_.size() - pos_) truncated();
    std::string_view out = in_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  std::string line() {
    const std::size_t nl = in_.find('\n', pos_);
    if (nl == std::string_view::npos || nl - pos_ > 256) fail("malformed GLOBAL name");
    std::string out(in_.substr(pos_, nl - pos_));
    pos_ = nl + 1;
    return out;
  }
  [[noreturn]] void truncated() const {
    throw DataError(file_, 0, "byte " + std::to_string(in_.size()) + ": truncated pickle (ends inside the opcode at byte " +
                                  std::to_string(op_pos_) + ")");
  }
  void push(Value* v) {
    if (stack_.size() > (std::size_t{1} << 24)) fail("stack too deep");
    stack_.push_back(v);
  }
  void push_int(std::int64_t i) {
    Value* v = make(Kind::integer);
    v->integer = i;
    push(v);
  }
  void push_bytes(std::string_view b) {
    Value* v = make(Kind::bytes);
    v->text.assign(b);
    push(v);
  }
  void need(std::size_t n) {
    const std::size_t floor = marks_.empty() ? 0 : marks_.back();
    if (stack_.size() < floor + n) fail("stack underflow");
  }
  Value* pop() {
    need(1);
    Value* v = stack_.back();
    stack_.pop_back();
    return v;
  }
  Value* top() {
    need(1);
    return stack_.back();
  }
  std::vector<Value*> pop_mark() {
    if (marks_.empty()) fail("no MARK on the stack");
    const std::size_t m = marks_.back();
    marks_.pop_back();
    std::vector<Value*> items(stack_.begin() + static_cast<std::ptrdiff_t>(m), stack_.end());
    stack_.resize(m);
    return items;
  }
  void memo_put(std::uint32_t key) {
    if (stack_.empty()) fail("memo store from an empty stack");
    memo_[key] = stack_.back();
  }
  Value* memo_get(std::uint32_t key) {
    auto it = memo_.find(key);
    if (it == memo_.end()) fail("memo key " + std::to_string(key) + " was never stored");
    return it->second;
  }
  void append(Value* list, Value* v) {
    if (list->kind != Kind::list) fail(std::string("APPEND to a ") + kind_name(list->kind));
    if (v->kind != Kind::integer) fail(std::string("list element is a ") + kind_name(v->kind) + " (only ints are read)");
    list->items.push_back(v);
  }
  void set_item(Value* dict, Value* k, Value* v) {
    if (dict->kind != Kind::dict) fail(std::string("SETITEM on a ") + kind_name(dict->kind));
    dict->entries.emplace_back(k, v);
  }
  Value* reduce(Value* callable, Value* args) {
    if (callable->kind != Kind::global || args->kind != Kind::tuple) fail("REDUCE of something that is not a known class");
    const std::string& f = callable->text;
    if (f == "numpy.core.multiarray _reconstruct") {
      if (args->items.size() != 3 || args->items[0]->kind != Kind::global || args->items[0]->text != "numpy ndarray")
        fail("_reconstruct is only accepted for numpy.ndarray");
      return make(Kind::array);
    }
    if (f == "numpy dtype") {
      if (args->items.empty() || args->items[0]->kind != Kind::bytes) fail("numpy.dtype without a type name");
      const std::string& t = args->items[0]->text;
      Value* d = make(Kind::dtype);
      if (t.size() < 2 || std::string_view("fiub").find(t[0]) == std::string_view::npos) fail("unsupported numpy dtype '" + t + "'");
      int size = 0;
      for (std::size_t i = 1; i < t.size(); ++i) {
        if (t[i] < '0' || t[i] > '9') fail("unsupported numpy dtype '" + t + "'");
        size = size * 10 + (t[i] - '0');
        if (size > 8) break;
      }
      const bool ok = (t[0] == 'f' && (size == 4 || size == 8)) || (t[0] == 'b' && size == 1) ||
                      ((t[0] == 'i' || t[0] == 'u') && (size == 1 || size == 2 || size == 4 || size == 8));
      if (!ok) fail("unsupported numpy dtype '" + t + "'");
      d->array.kind = t[0];
      d->array.itemsize = size;
      return d;
    }
    if (f == "collections defaultdict") {
      if (args->items.size() != 1 || args->items[0]->kind != Kind::global || args->items[0]->text != "__builtin__ list")
        fail("defaultdict is only accepted with list");
      return make(Kind::dict);
    }
    fail("refusing to call '" + f + "'");
  }
  void build(Value* obj, Value* state) {
    if (obj->built) fail("object built twice");
    if (obj->kind == Kind::dtype) {
      // (version, byteorder, subarray, names, fields, elsize, alignment[, flags])
      if (state->kind != Kind::tuple || state->items.size() < 2 || state->items[1]->kind != Kind::bytes)
        fail("malformed numpy.dtype state");
      const std::string& order = state->items[1]->text;
      if (order != "<" && order != "|" && order != "=") fail("numpy.dtype byte order '" + order + "' (only little-endian is read)");
      if (order == "|" && obj->array.itemsize != 1) fail("numpy.dtype byte order '|' for a multi-byte type");
      for (std::size_t i = 2; i < std::min<std::size_t>(5, state->items.size()); ++i)
        if (state->items[i]->kind != Kind::none) fail("structured numpy dtypes are not read");
      obj->built = true;
      return;
    }
    if (obj->kind == Kind::array) {
      // (version, shape, dtype, is_fortran, data)
      if (state->kind != Kind::tuple || state->items.size() != 5) fail("malformed numpy.ndarray state");
      Value* shape = state->items[1];
      Value* dtype = state->items[2];
      Value* fortran = state->items[3];
      Value* data = state->items[4];
      if (shape->kind != Kind::tuple || shape->items.size() > 2) fail("numpy.ndarray shape must be a tuple of at most 2 ints");
      if (dtype->kind != Kind::dtype || !dtype->built) fail("numpy.ndarray without a numpy.dtype");
      if (fortran->kind != Kind::boolean && fortran->kind != Kind::integer) fail("malformed numpy.ndarray order flag");
      if (data->kind != Kind::bytes) fail("numpy.ndarray data must be a byte string");
      std::int64_t count = 1;
      for (Value* s : shape->items) {
        if (s->kind != Kind::integer || s->integer < 0 || s->integer > (std::int64_t{1} << 31)) fail("invalid numpy.ndarray dimension");
        obj->array.shape.push_back(s->integer);
        count *= s->integer;
        if (count > (std::int64_t{1} << 33)) fail("numpy.ndarray too large");
      }
      if (fortran->integer && shape->items.size() == 2 && obj->array.shape[0] > 1 && obj->array.shape[1] > 1)
        fail("Fortran-ordered numpy arrays are not read");
      obj->array.kind = dtype->array.kind;
      obj->array.itemsize = dtype->array.itemsize;
      if (static_cast<std::int64_t>(data->text.size()) != count * obj->array.itemsize)
        fail("numpy.ndarray data has " + std::to_string(data->text.size()) + " bytes, its shape and dtype need " +
             std::to_string(count * obj->array.itemsize));
      obj->array.bytes = data->text;
      obj->built = true;
      return;
    }
    if (obj->kind == Kind::csr) {
      if (state->kind != Kind::dict) fail("malformed csr_matrix state");
      obj->entries = state->entries;
      obj->built = true;
      return;
    }
    fail(std::string("BUILD on a ") + kind_name(obj->kind));
  }

  std::string_view in_;
  std::string file_;
  std::size_t pos_ = 0, op_pos_ = 0;
  std::vector<std::unique_ptr<Value>> arena_;
  std::vector<Value*> stack_;
  std::vector<std::size_t> marks_;
  std::unordered_map<std::uint32_t, Value*> memo_;
};

[[noreturn]] void fail_root(const std::string& file, const std::string& message) { throw DataError(file, 0, message); }

}  // namespace

Object parse(std::string_view bytes, const std::string& file) {
  if (bytes.empty()) fail_root(file, "empty file (expected a pickle)");
  Machine m(bytes, file);
  Value* root = m.run();
  if (root->kind == Kind::array) {
    if (!root->built) fail_root(file, "numpy.ndarray without data");
    return root->array;
  }
  if (root->kind == Kind::csr) {
    if (!root->built) fail_root(file, "csr_matrix without state");
    Csr csr;
    bool has_shape = false, has[3] = {false, false, false};
    for (const auto& [k, v] : root->entries) {
      if (k->kind != Kind::bytes) continue;
      if (k->text == "format" && (v->kind != Kind::bytes || v->text != "csr")) fail_root(file, "csr_matrix with format other than 'csr'");
      if (k->text == "_shape") {
        if (v->kind != Kind::tuple || v->items.size() != 2 || v->items[0]->kind != Kind::integer ||
            v->items[1]->kind != Kind::integer || v->items[0]->integer < 0 || v->items[1]->integer < 0 ||
            v->items[0]->integer > 2147483647 || v->items[1]->integer > 2147483647)
          fail_root(file, "csr_matrix with a malformed _shape");
        csr.rows = v->items[0]->integer;
        csr.cols = v->items[1]->integer;
        has_shape = true;
      }
      const char* names[3] = {"indptr", "indices", "data"};
      Array* targets[3] = {&csr.indptr, &csr.indices, &csr.data};
      for (int i = 0; i < 3; ++i)
        if (k->text == names[i]) {
          if (v->kind != Kind::array || !v->built || v->array.shape.size() != 1)
            fail_root(file, std::string("csr_matrix attribute '") + names[i] + "' is not a 1-d numpy array");
          *targets[i] = v->array;
          has[i] = true;
        }
    }
    if (!has_shape || !has[0] || !has[1] || !has[2]) fail_root(file, "csr_matrix without _shape, indptr, indices or data");
    if (!csr.indptr.is_integral() || !csr.indices.is_integral()) fail_root(file, "csr_matrix with non-integer indices");
    return csr;
  }
  if (root->kind == Kind::dict) {
    // A list is memoised once and may be referenced from any number of keys, each reference
    // costing a few bytes: copied for each, 1 MB of pickle could ask for hundreds of GB. Every
    // element written out costs at least one byte, so more entries than bytes means such sharing.
    std::int64_t total = 0;
    for (const auto& [k, v] : root->entries) {
      if (k->kind != Kind::integer || v->kind != Kind::list) fail_root(file, "expected a dict of int -> list of ints");
      const auto sum = checked_sum(total, static_cast<std::int64_t>(v->items.size()), static_cast<std::int64_t>(bytes.size()));
      if (!sum)
        fail_root(file, "the adjacency lists hold more entries than the file has bytes (" + std::to_string(bytes.size()) +
                            "): one list is referenced from many keys; refused");
      total = *sum;
    }
    Adjacency adj;
    adj.lists.reserve(root->entries.size());
    for (const auto& [k, v] : root->entries) {
      std::vector<std::int64_t> list;
      list.reserve(v->items.size());
      for (Value* x : v->items) list.push_back(x->integer);
      adj.lists.emplace_back(k->integer, std::move(list));
    }
    return adj;
  }
  fail_root(file, std::string("the pickle holds a ") + kind_name(root->kind) +
                      ", expected a numpy array, a csr_matrix or a dict of lists");
}

Object load(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(path.string(), 0, "cannot open the file");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw DataError(path.string(), 0, "read error");
  return parse(bytes, path.string());
}

}  // namespace gat::io::pickle
