package dev.verdict.testing.nats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Searches the files under a directory – a nats-server's storage directory, an application's log – for a byte
 * sequence, to prove that something is (or is no longer) stored there.
 *
 * <pre>{@code
 * try (LocalNatsServer server = LocalNatsServer.launch()) {
 *     // ... erase a subject ...
 *     assertThat(StoredBytes.filesContaining(server.storeDir(), wrappedKey)).isEmpty();
 * }
 * }</pre>
 */
public final class StoredBytes {
    private StoredBytes() {}

    /** The regular files under {@code dir} (recursively) whose bytes contain {@code needle}. */
    public static List<Path> filesContaining(Path dir, byte[] needle) {
        if (needle.length == 0) {
            throw new IllegalArgumentException("an empty needle is in every file");
        }
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                byte[] bytes;
                try {
                    bytes = Files.readAllBytes(file);
                } catch (IOException e) {
                    continue; // removed while walking (a compacted block)
                }
                if (indexOf(bytes, needle) >= 0) {
                    found.add(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot walk " + dir, e);
        }
        return found;
    }

    /** {@link #filesContaining(Path, byte[])} of a text's UTF-8 bytes. */
    public static List<Path> filesContaining(Path dir, String needle) {
        return filesContaining(dir, needle.getBytes(StandardCharsets.UTF_8));
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
