// wasm.h from C++: the header compiles as C++ (C++20 for the designated
// initializers of WASM_I32_VAL and its kind), and a program holds its
// objects in smart pointers with the wasm_X_delete functions as deleters.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include <wasm.h>

#define own

namespace {

template <typename T, void (*Delete)(T *)>
struct deleter {
    void operator()(T *p) const { Delete(p); }
};
template <typename T, void (*Delete)(T *)>
using handle = std::unique_ptr<T, deleter<T, Delete>>;

using engine_ptr = handle<wasm_engine_t, wasm_engine_delete>;
using store_ptr = handle<wasm_store_t, wasm_store_delete>;
using module_ptr = handle<wasm_module_t, wasm_module_delete>;
using functype_ptr = handle<wasm_functype_t, wasm_functype_delete>;
using func_ptr = handle<wasm_func_t, wasm_func_delete>;
using instance_ptr = handle<wasm_instance_t, wasm_instance_delete>;

int calls = 0;

extern "C" own wasm_trap_t *add(const wasm_val_vec_t *args, own wasm_val_vec_t *results)
{
    ++calls;
    results->data[0].kind = WASM_I32;
    results->data[0].of.i32 = args->data[0].of.i32 + args->data[1].of.i32;
    return nullptr;
}

}  // namespace

int main(int argc, char **argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: cxx MODULE.wasm\n");
        return 1;
    }
    std::ifstream in(argv[1], std::ios::binary);
    std::vector<char> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (bytes.empty()) {
        std::fprintf(stderr, "cannot read %s\n", argv[1]);
        return 1;
    }

    engine_ptr engine{wasm_engine_new()};
    store_ptr store{wasm_store_new(engine.get())};
    wasm_byte_vec_t binary;
    wasm_byte_vec_new(&binary, bytes.size(), bytes.data());
    module_ptr module{wasm_module_new(store.get(), &binary)};
    wasm_byte_vec_delete(&binary);
    if (!module) {
        std::fprintf(stderr, "wasm_module_new failed\n");
        return 1;
    }

    functype_ptr type{wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_i32(), wasm_valtype_new_i32())};
    func_ptr add_func{wasm_func_new(store.get(), type.get(), add)};
    wasm_extern_t *externs[] = {wasm_func_as_extern(add_func.get())};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
    own wasm_trap_t *trap = nullptr;
    instance_ptr instance{wasm_instance_new(store.get(), module.get(), &imports, &trap)};
    if (!instance) {
        std::fprintf(stderr, "wasm_instance_new failed\n");
        if (trap)
            wasm_trap_delete(trap);
        return 1;
    }
    wasm_extern_vec_t exports;
    wasm_instance_exports(instance.get(), &exports);
    std::printf("C++: %zu exports\n", exports.size);

    wasm_func_t *add_twice = wasm_extern_as_func(exports.data[0]);
    wasm_val_t as[3] = {WASM_I32_VAL(40), WASM_I32_VAL(-3), WASM_I32_VAL(5)};
    wasm_val_t rs[1] = {WASM_INIT_VAL};
    wasm_val_vec_t args = WASM_ARRAY_VEC(as), results = WASM_ARRAY_VEC(rs);
    trap = wasm_func_call(add_twice, &args, &results);
    if (trap) {
        wasm_message_t msg;
        wasm_trap_message(trap, &msg);
        std::printf("C++: add_twice trapped: %s\n", msg.data);
        wasm_byte_vec_delete(&msg);
        wasm_trap_delete(trap);
    } else {
        std::printf("C++: add_twice(40, -3, 5) = %d, host calls %d\n", static_cast<int>(rs[0].of.i32), calls);
    }

    wasm_val_t pi;
    wasm_global_get(wasm_extern_as_global(exports.data[1]), &pi);
    std::printf("C++: pi = %.2f\n", pi.of.f64);

    wasm_val_t f = WASM_F64_VAL(0.5);
    wasm_val_t copy;
    wasm_val_copy(&copy, &f);
    std::printf("C++: copied f64 %.1f\n", copy.of.f64);
    wasm_val_delete(&copy);

    wasm_extern_vec_delete(&exports);
    // Members are destroyed in reverse: instance, func, type, module, store, engine.
    std::printf("C++: done\n");
    return 0;
}
