package dev.verdict.benchmarks;

/** One numbered scenario of docs/benchmarks.md: it measures its variants as A/B pairs and reports them. */
interface Scenario {

    /** The number of the scenario in the issue and the docs, e.g. {@code "1"}. */
    String id();

    ScenarioResult run(BenchmarkContext context) throws Exception;
}
