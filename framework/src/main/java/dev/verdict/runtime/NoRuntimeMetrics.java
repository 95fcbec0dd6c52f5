package dev.verdict.runtime;

/** The {@link RuntimeMetrics} that records nothing. */
enum NoRuntimeMetrics implements RuntimeMetrics {
    INSTANCE
}
