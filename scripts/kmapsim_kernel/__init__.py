"""kmapsim's kernel import: real kernel functions, read from a tree, run on the model."""
