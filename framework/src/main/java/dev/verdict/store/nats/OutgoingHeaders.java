package dev.verdict.store.nats;

import io.nats.client.impl.Headers;
import io.nats.client.support.ByteArrayBuilder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The headers of a message the store sends, serialized once when built: a read-only jnats {@link Headers} whose wire
 * form is ready, so neither the store nor jnats builds hash maps for them.
 *
 * <p>Why: jnats' {@code Headers.put} validates a key and its value, wraps the value in a list and updates two hash
 * maps; publishing then copies both maps into a read-only copy and serializes it on the writer thread. For the seven to
 * nine headers of every event message that was the largest item of the store's own CPU per append (see
 * docs/benchmarks.md, "Where the time goes"). Here a header is two strings in an array; {@link Builder#build} checks
 * every key and value by jnats' rules (a key is printable ASCII without {@code :}, a value ASCII without CR or LF; a
 * violation throws {@link IllegalArgumentException} as {@code Headers.put} would) while writing the bytes in the same
 * pass.
 *
 * <p>jnats' core publish path ({@code Connection.publish} and {@code requestWithTimeout}) asks a read-only {@code
 * Headers} only {@code isEmpty}, {@code isReadOnly}, {@code serializedLength} and {@code serializeToArray}, and sends it
 * without copying; every read method is overridden to answer from this instance's entries (in the order they were
 * added). Two things of the superclass cannot be overridden and see no entries: jnats' copy constructor {@code new
 * Headers(these)} and {@code jnatsHeaders.equals(these)}. So these headers are only ever handed to {@code
 * Connection.publish}/{@code requestWithTimeout} – never to {@code JetStream.publish}, which copies them – and tests
 * read every header back from the server. Mutators throw {@link UnsupportedOperationException} (read-only).
 */
final class OutgoingHeaders extends Headers {
    private static final byte[] VERSION_LINE = {'N', 'A', 'T', 'S', '/', '1', '.', '0', '\r', '\n'};

    private final String[] keys;
    private final String[] values;
    private final int count;
    private final byte[] serialized;
    private Map<String, List<String>> view;

    private OutgoingHeaders(String[] keys, String[] values, int count, byte[] serialized) {
        super(null, true, null);
        this.keys = keys;
        this.values = values;
        this.count = count;
        this.serialized = serialized;
    }

    static Builder builder() {
        return new Builder();
    }

    /** Collects headers in order; one value per key. Not thread-safe; {@link #build} once. */
    static final class Builder {
        private String[] keys = new String[12];
        private String[] values = new String[12];
        private int count;
        private int length = VERSION_LINE.length + 2;

        private Builder() {}

        /**
         * Adds a header. A key may be added once (adding it again throws {@link IllegalStateException}: the store
         * writes distinct keys); a {@code null} value is ignored, as {@code Headers.put} ignores it.
         */
        Builder add(String key, String value) {
            if (value == null) {
                return this;
            }
            if (key == null || key.isEmpty()) {
                throw new IllegalArgumentException("Header key cannot be null or empty.");
            }
            for (int i = 0; i < count; i++) {
                if (keys[i].equals(key)) {
                    throw new IllegalStateException("header " + key + " added twice");
                }
            }
            if (count == keys.length) {
                keys = java.util.Arrays.copyOf(keys, count * 2);
                values = java.util.Arrays.copyOf(values, count * 2);
            }
            keys[count] = key;
            values[count] = value;
            count++;
            length += key.length() + value.length() + 3; // key ':' value CR LF
            return this;
        }

        /** Checks every key and value (jnats' rules) while writing the wire form. */
        OutgoingHeaders build() {
            byte[] bytes = new byte[length];
            System.arraycopy(VERSION_LINE, 0, bytes, 0, VERSION_LINE.length);
            int at = VERSION_LINE.length;
            for (int i = 0; i < count; i++) {
                String key = keys[i];
                for (int k = 0, n = key.length(); k < n; k++) {
                    char c = key.charAt(k);
                    if (c < 33 || c > 126 || c == ':') {
                        throw new IllegalArgumentException("Header key has invalid character: 0x"
                                + Integer.toHexString(c) + " (in '" + key + "')");
                    }
                    bytes[at++] = (byte) c;
                }
                bytes[at++] = ':';
                String value = values[i];
                for (int v = 0, n = value.length(); v < n; v++) {
                    char c = value.charAt(v);
                    if (c > 127 || c == '\r' || c == '\n') {
                        throw new IllegalArgumentException("Header value has invalid character: 0x"
                                + Integer.toHexString(c) + " (in header '" + key + "')");
                    }
                    bytes[at++] = (byte) c;
                }
                bytes[at++] = '\r';
                bytes[at++] = '\n';
            }
            bytes[at++] = '\r';
            bytes[at] = '\n';
            return new OutgoingHeaders(keys, values, count, bytes);
        }
    }

    // --- what jnats' publish path uses ---

    @Override
    public boolean isEmpty() {
        return count == 0;
    }

    @Override
    public int serializedLength() {
        return serialized.length;
    }

    @Override
    public int serializeToArray(int destPosition, byte[] dest) {
        System.arraycopy(serialized, 0, dest, destPosition, serialized.length);
        return serialized.length;
    }

    @Override
    public byte[] getSerialized() {
        return serialized.clone();
    }

    @Override
    public boolean isDirty() {
        return false;
    }

    // --- reads, answered from the entries (tests, diagnostics) ---

    private Map<String, List<String>> view() {
        Map<String, List<String>> v = view;
        if (v == null) {
            Map<String, List<String>> m = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                m.put(keys[i], List.of(values[i]));
            }
            v = Collections.unmodifiableMap(m);
            view = v;
        }
        return v;
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public boolean containsKey(String key) {
        return view().containsKey(key);
    }

    @Override
    public boolean containsKeyIgnoreCase(String key) {
        for (int i = 0; i < count; i++) {
            if (keys[i].equalsIgnoreCase(key)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Set<String> keySet() {
        return view().keySet();
    }

    @Override
    public Set<String> keySetIgnoreCase() {
        Set<String> set = new HashSet<>();
        for (int i = 0; i < count; i++) {
            set.add(keys[i].toLowerCase());
        }
        return Collections.unmodifiableSet(set);
    }

    @Override
    public List<String> get(String key) {
        return view().get(key);
    }

    @Override
    public String getFirst(String key) {
        List<String> v = view().get(key);
        return v == null ? null : v.get(0);
    }

    @Override
    public String getLast(String key) {
        return getFirst(key); // one value per key
    }

    @Override
    public List<String> getIgnoreCase(String key) {
        List<String> found = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (keys[i].equalsIgnoreCase(key)) {
                found.add(values[i]);
            }
        }
        return found.isEmpty() ? null : Collections.unmodifiableList(found);
    }

    @Override
    public void forEach(BiConsumer<String, List<String>> action) {
        view().forEach(action);
    }

    @Override
    public Set<Map.Entry<String, List<String>>> entrySet() {
        return view().entrySet();
    }

    @Override
    public Map<String, List<String>> toMap() {
        return view();
    }

    @Override
    @SuppressWarnings("deprecation")
    public ByteArrayBuilder appendSerialized(ByteArrayBuilder bab) {
        return bab.append(serialized);
    }

    /** Equal to any {@link Headers} with the same keys and values (compared through {@link Headers#toMap}). */
    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof Headers h && view().equals(h.toMap()));
    }

    @Override
    public int hashCode() {
        return view().hashCode();
    }

    /** As jnats' {@code Headers.toString}: {@code key:value; key:value;} (each CR as ';', each LF as ' '). */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                b.append(' ');
            }
            b.append(keys[i]).append(':').append(values[i]).append(';');
        }
        return b.toString();
    }
}
