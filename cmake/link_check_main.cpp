// The program each layer is linked into, whole, with only the layers and libraries it declares
// (cmake/layers.cmake): it does nothing; that it links is the check.
int main() { return 0; }
