"""托育助手 app runtime: the only public HTTP surface."""
