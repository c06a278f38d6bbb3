"""pytest plugins of the clusterkg test suite."""
