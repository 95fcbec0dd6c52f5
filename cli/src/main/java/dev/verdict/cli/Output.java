package dev.verdict.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * How a command prints: a readable table, or with {@code --json} one JSON document (field names documented in
 * docs/operations.md and kept stable). Changing commands ask on standard error unless {@code --yes}.
 */
final class Output {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper COMPACT = new ObjectMapper();

    @Option(names = "--json", description = "Print JSON (stable field names, see docs/operations.md).")
    boolean json;

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    static void printJson(PrintWriter out, JsonNode node) {
        try {
            out.println(JSON.writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    /** One compact JSON document on one line (for streams of documents, e.g. {@code tail --json}). */
    static void printJsonLine(PrintWriter out, JsonNode node) {
        try {
            out.println(COMPACT.writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    /** A payload as JSON when it is JSON, else as {@code {"base64": "..."}}. */
    static JsonNode payload(byte[] bytes) {
        try {
            JsonNode tree = COMPACT.readTree(bytes);
            if (tree != null && !tree.isMissingNode()) {
                return tree;
            }
        } catch (IOException e) {
            // not JSON: below
        }
        return object().put("base64", Base64.getEncoder().encodeToString(bytes));
    }

    /** A payload on one line for a table. */
    static String payloadText(byte[] bytes) {
        try {
            return COMPACT.writeValueAsString(payload(bytes));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A table with left-aligned columns separated by two spaces. */
    static final class Table {
        private final List<String> headers;
        private final List<List<String>> rows = new ArrayList<>();

        Table(String... headers) {
            this.headers = List.of(headers);
        }

        Table row(Object... cells) {
            List<String> row = new ArrayList<>();
            for (Object c : cells) {
                row.add(c == null ? "-" : c.toString());
            }
            rows.add(row);
            return this;
        }

        boolean isEmpty() {
            return rows.isEmpty();
        }

        void print(PrintWriter out) {
            int[] width = new int[headers.size()];
            for (int i = 0; i < width.length; i++) {
                width[i] = headers.get(i).length();
                for (List<String> r : rows) {
                    width[i] = Math.max(width[i], r.get(i).length());
                }
            }
            line(out, headers, width);
            for (List<String> r : rows) {
                line(out, r, width);
            }
            out.flush();
        }

        private static void line(PrintWriter out, List<String> cells, int[] width) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < cells.size(); i++) {
                String c = cells.get(i);
                b.append(c);
                if (i < cells.size() - 1) {
                    b.append(" ".repeat(width[i] - c.length() + 2));
                }
            }
            out.println(b.toString().stripTrailing());
        }
    }

    /**
     * Asks on standard error whether to go on ({@code y}/{@code yes}); without {@code --yes} and with no answer
     * (standard input closed) the answer is no.
     */
    static boolean confirm(PrintWriter err, boolean yes, String question) {
        if (yes) {
            return true;
        }
        err.print(question + " [y/N] ");
        err.flush();
        try {
            String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            return answer != null && List.of("y", "yes").contains(answer.strip().toLowerCase(Locale.ROOT));
        } catch (IOException e) {
            return false;
        }
    }

    /** A byte count for people: 1.2 KiB, 3.4 MiB. */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
