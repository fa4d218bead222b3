"""Policy knowledge base: structured entries cleaned from the district plan, and retrieval over them."""
