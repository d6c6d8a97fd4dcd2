// Everything generated code calls.
#ifndef QNN_RUNTIME_KERNELS_H
#define QNN_RUNTIME_KERNELS_H
#include "qnn_runtime/binary_kernels.h"
#include "qnn_runtime/lowbit_kernels.h"
#include "qnn_runtime/float_kernels.h"
#include "qnn_runtime/int8_kernels.h"
#include "qnn_runtime/integer_kernels.h"
#endif
