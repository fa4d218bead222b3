"""WeChat Official Account (公众号) channel: passive XML replies backed by the conversation engine."""
