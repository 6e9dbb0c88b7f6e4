#include "server/scripting/script_engine.h"

namespace kv {

ScriptEngine::Lease::~Lease() {
  if (vm_) engine_.Release(std::move(vm_));
}

ScriptEngine::Lease ScriptEngine::Acquire() {
  std::unique_ptr<LuaVm> vm;
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      vm = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!vm) {
    vm = std::make_unique<LuaVm>();
    std::lock_guard lock(mu_);
    vm_generation_[vm.get()] = generation_;
  }
  Refresh(*vm);
  return Lease(*this, std::move(vm));
}

void ScriptEngine::Release(std::unique_ptr<LuaVm> vm) {
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(vm));
}

void ScriptEngine::Refresh(LuaVm& vm) {
  bool stale = false;
  {
    std::lock_guard lock(mu_);
    uint64_t& gen = vm_generation_[&vm];
    stale = gen != generation_;
    gen = generation_;
  }
  if (stale) vm.Flush();
}

ScriptEngine::Stored ScriptEngine::Store(LuaVm& vm, std::string_view body) {
  Stored out{Sha1Hex(body), std::nullopt};
  bool no_writes = false;
  if (auto err = vm.Load(out.sha, ScriptCode(body, &no_writes))) {
    out.error = std::move(err);
    return out;
  }
  std::lock_guard lock(mu_);
  auto [it, inserted] = bodies_.try_emplace(out.sha, std::string(body));
  if (inserted) body_bytes_ += body.size();
  return out;
}

bool ScriptEngine::Prepare(LuaVm& vm, std::string_view sha) {
  if (vm.Has(sha)) return true;
  std::string body;
  {
    std::lock_guard lock(mu_);
    auto it = bodies_.find(std::string(sha));
    if (it == bodies_.end()) return false;
    body = it->second;
  }
  bool no_writes = false;
  return !vm.Load(sha, ScriptCode(body, &no_writes)).has_value();
}

bool ScriptEngine::Exists(std::string_view sha) const {
  std::lock_guard lock(mu_);
  return bodies_.contains(std::string(sha));
}

void ScriptEngine::Flush() {
  std::lock_guard lock(mu_);
  bodies_.clear();
  body_bytes_ = 0;
  ++generation_;
}

size_t ScriptEngine::num_scripts() const {
  std::lock_guard lock(mu_);
  return bodies_.size();
}

size_t ScriptEngine::cached_bytes() const {
  std::lock_guard lock(mu_);
  return body_bytes_;
}

std::string_view ScriptCode(std::string_view body, bool* no_writes) {
  *no_writes = false;
  if (!body.starts_with("#!")) return body;
  size_t eol = body.find('\n');
  std::string_view shebang = body.substr(0, eol);
  *no_writes = shebang.find("no-writes") != std::string_view::npos;
  return eol == std::string_view::npos ? std::string_view() : body.substr(eol);
}

}  // namespace kv
