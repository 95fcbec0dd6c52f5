package dev.verdict.projection;

/** What became of one delivered or read event in a partition worker. */
enum ApplyResult {
    /** Applied, passed over (another partition's, already applied) or dead-lettered: the worker goes on. */
    DONE,
    /** The projection's stored checkpoint moved under the worker (another instance, a rebuild): read it again. */
    CHECKPOINT_MOVED,
    /** The worker was asked to stop; what was not acknowledged comes again after a restart. */
    STOPPING,
    /**
     * A call into the projection ran past the apply timeout and was abandoned: its result is discarded (nothing
     * acknowledged, the position unchanged) and the worker reopens its consumer as a standby.
     */
    ABANDONED
}
