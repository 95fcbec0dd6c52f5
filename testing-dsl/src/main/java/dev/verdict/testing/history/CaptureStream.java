package dev.verdict.testing.history;

import dev.verdict.store.Category;
import dev.verdict.store.capture.HistoryCapture;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.StreamCapture;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A command line for {@link StreamCapture}: writes a capture file of a live stream (see docs/testing.md, "Checking
 * stored histories").
 *
 * <pre>
 * java -cp &lt;testing-dsl's classpath&gt; dev.verdict.testing.history.CaptureStream \
 *     --url nats://127.0.0.1:4222 --store pharmacy --out history.jsonl \
 *     [--category prescription]... [--from 1] [--to 500] [--max-entities 50] [--command-index] \
 *     [--verdict-version 0.1.0]
 * </pre>
 *
 * <p>Exits with 0 after writing the file, 2 on a wrong argument, 1 when the capture fails.
 */
public final class CaptureStream {
    private CaptureStream() {}

    public static void main(String[] args) throws Exception {
        String url = null;
        String store = null;
        Path out = null;
        List<Category> categories = new ArrayList<>();
        long from = 1;
        long to = Long.MAX_VALUE;
        int maxEntities = Integer.MAX_VALUE;
        boolean commandIndex = false;
        String version = null;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--url" -> url = args[++i];
                    case "--store" -> store = args[++i];
                    case "--out" -> out = Path.of(args[++i]);
                    case "--category" -> categories.add(Category.of(args[++i]));
                    case "--from" -> from = Long.parseLong(args[++i]);
                    case "--to" -> to = Long.parseLong(args[++i]);
                    case "--max-entities" -> maxEntities = Integer.parseInt(args[++i]);
                    case "--command-index" -> commandIndex = true;
                    case "--verdict-version" -> version = args[++i];
                    default -> throw new IllegalArgumentException("unknown argument " + a);
                }
            }
            if (url == null || store == null || out == null) {
                throw new IllegalArgumentException("--url, --store and --out are required");
            }
        } catch (RuntimeException e) {
            System.err.println("capture-stream: " + e.getMessage());
            System.exit(2);
            return;
        }
        try (Connection nc = Nats.connect(Options.builder().server(url).build())) {
            StreamCapture capture = StreamCapture.of(nc, NatsEventStoreConfig.of(store))
                    .categories(categories.toArray(Category[]::new))
                    .commandIndex(commandIndex);
            if (from != 1 || to != Long.MAX_VALUE) {
                capture.sequences(from, to);
            }
            if (maxEntities != Integer.MAX_VALUE) {
                capture.maxEntities(maxEntities);
            }
            if (version != null) {
                capture.verdictVersion(version);
            }
            HistoryCapture taken = capture.capture();
            if (out.getParent() != null) {
                Files.createDirectories(out.getParent());
            }
            taken.write(out);
            System.err.println("capture-stream: wrote " + taken.messages().size() + " messages and "
                    + taken.keyValues().size() + " KV entries of stream '" + store + "' to " + out);
        } catch (Exception e) {
            System.err.println("capture-stream: the capture failed: " + e);
            System.exit(1);
        }
    }
}
