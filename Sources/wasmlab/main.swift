print("wasmlab")
