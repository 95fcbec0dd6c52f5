package dev.verdict.testing.nats;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A nats-server version, parsed from {@code nats-server --version} or from the INFO of a connection. */
record ServerVersion(int major, int minor, int patch) implements Comparable<ServerVersion> {

    /** The oldest server Verdict accepts: atomic batch publish and the hardened per-subject OCC check. */
    static final ServerVersion MINIMUM = new ServerVersion(2, 12, 0);

    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)");

    static Optional<ServerVersion> parse(String text) {
        Matcher m = VERSION.matcher(text);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new ServerVersion(
                Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))));
    }

    boolean isSupported() {
        return compareTo(MINIMUM) >= 0;
    }

    @Override
    public int compareTo(ServerVersion o) {
        if (major != o.major) {
            return Integer.compare(major, o.major);
        }
        if (minor != o.minor) {
            return Integer.compare(minor, o.minor);
        }
        return Integer.compare(patch, o.patch);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
