package dev.verdict.store;

/**
 * The server or an existing stream/bucket cannot serve as a Verdict store: server older than 2.12, an existing
 * stream whose configuration differs from the requested one (never changed silently), or a setting the server
 * dropped. The message names the setting and both values.
 */
public final class StoreMisconfigured extends EventStoreException {
    private static final long serialVersionUID = 1L;

    public StoreMisconfigured(String message) {
        super(message);
    }

    public StoreMisconfigured(String message, Throwable cause) {
        super(message, cause);
    }
}
