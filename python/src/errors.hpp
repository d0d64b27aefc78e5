// ein::Error -> the Python exception NumPy raises for the same mistake, with ein's message.
#pragma once

namespace ein::python {

// DTypeMismatch -> TypeError, OutOfMemory -> MemoryError, AxisError -> numpy's AxisError (a
// ValueError and an IndexError), everything else -> ValueError.
void register_error_translator();

}  // namespace ein::python
