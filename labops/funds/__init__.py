"""Fund pools: the platform's capital pools that projects are paid from."""
