"""Staff console backend: case workflow, working-day time limits, repeats, reports, exports."""
