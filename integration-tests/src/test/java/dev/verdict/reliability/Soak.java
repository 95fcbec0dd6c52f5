package dev.verdict.reliability;

/**
 * Whether the long (soak) variants run: {@code -Dverdict.soak=true} or the environment variable {@code
 * VERDICT_SOAK=true}. The normal build runs the short variants (the whole suite well under five minutes on two
 * cores); a soak repeats the same scenarios with more rounds and longer phases.
 */
final class Soak {
    static final boolean ENABLED =
            Boolean.getBoolean("verdict.soak") || "true".equalsIgnoreCase(System.getenv("VERDICT_SOAK"));

    private Soak() {}

    /** {@code normal} in the normal build, {@code soak} in a soak run. */
    static int pick(int normal, int soak) {
        return ENABLED ? soak : normal;
    }
}
