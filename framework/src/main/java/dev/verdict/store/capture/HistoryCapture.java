package dev.verdict.store.capture;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verdict.store.codec.VerdictObjectMapper;
import dev.verdict.store.internal.IsoInstant;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A captured history: the stored messages of a stream (or of a part of it) and the KV entries next to it, as a file
 * any language can read – JSON Lines, UTF-8, one JSON object per line (see docs/nats-mapping.md, "Captured
 * histories"):
 *
 * <ul>
 *   <li>line 1, {@code "kind":"capture"}: the {@link CaptureHeader};
 *   <li>then one {@code "kind":"message"} line per stored message, in stream order ({@link CapturedMessage});
 *   <li>then one {@code "kind":"kv"} line per bucket entry ({@link CapturedKeyValue}).
 * </ul>
 *
 * <p>Payloads and values are kept byte for byte: a payload that is compact JSON (as Verdict writes it) is embedded as
 * JSON under {@code "payload"}; other UTF-8 text is a string under {@code "payloadText"}; anything else is base64
 * under {@code "payloadBase64"} (likewise {@code value}, {@code valueText}, {@code valueBase64}). Reading a file
 * back gives exactly the bytes that were captured.
 *
 * <pre>{@code
 * HistoryCapture capture = HistoryCapture.read(Path.of("src/test/resources/history/release-4d81536.jsonl"));
 * capture.messages().forEach(m -> System.out.println(m.sequence() + " " + m.subject()));
 * }</pre>
 *
 * @param header what was captured, from where and by which Verdict
 * @param messages the stored messages in stream order
 * @param keyValues the KV entries
 */
public record HistoryCapture(CaptureHeader header, List<CapturedMessage> messages, List<CapturedKeyValue> keyValues) {

    /** The version of the file format this class writes and reads. */
    public static final int FORMAT = 1;

    private static final ObjectMapper JSON = VerdictObjectMapper.create();

    public HistoryCapture {
        Objects.requireNonNull(header, "header");
        messages = List.copyOf(messages);
        keyValues = List.copyOf(keyValues);
        for (int i = 1; i < messages.size(); i++) {
            if (messages.get(i).sequence() <= messages.get(i - 1).sequence()) {
                throw new IllegalArgumentException("messages must be in stream order: sequence "
                        + messages.get(i).sequence() + " follows "
                        + messages.get(i - 1).sequence());
            }
        }
    }

    /** Writes the capture as JSON Lines to {@code out} (which stays open). */
    public void write(OutputStream out) throws IOException {
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
        ObjectNode first = JSON.createObjectNode();
        first.put("kind", "capture");
        first.put("format", header.format());
        first.put("stream", header.stream());
        first.put("streamIdentity", header.streamIdentity());
        first.put("capturedAt", IsoInstant.format(header.capturedAt()));
        first.put("verdictVersion", header.verdictVersion());
        ObjectNode configs = first.putObject("streamConfigs");
        header.streamConfigs().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> configs.set(e.getKey(), parse(e.getValue(), "the configuration of " + e.getKey())));
        line(w, first);
        for (CapturedMessage m : messages) {
            ObjectNode n = JSON.createObjectNode();
            n.put("kind", "message");
            n.put("seq", m.sequence());
            n.put("subject", m.subject());
            n.put("storedAt", IsoInstant.format(m.storedAt()));
            ObjectNode headers = n.putObject("headers");
            m.headers().forEach((name, values) -> values.forEach(headers.withArray(name)::add));
            putBytes(n, "payload", m.payload());
            line(w, n);
        }
        for (CapturedKeyValue kv : keyValues) {
            ObjectNode n = JSON.createObjectNode();
            n.put("kind", "kv");
            n.put("bucket", kv.bucket());
            n.put("key", kv.key());
            n.put("revision", kv.revision());
            putBytes(n, "value", kv.value());
            line(w, n);
        }
        w.flush();
    }

    /** Writes the capture to {@code file}, replacing it. */
    public void write(Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(out);
        }
    }

    /**
     * Reads a capture file.
     *
     * @throws IllegalArgumentException when the file is not a capture of format {@value #FORMAT}, naming the line
     */
    public static HistoryCapture read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        }
    }

    /** Reads a capture from {@code in} (which stays open); see {@link #read(Path)}. */
    public static HistoryCapture read(InputStream in) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        CaptureHeader header = null;
        List<CapturedMessage> messages = new ArrayList<>();
        List<CapturedKeyValue> keyValues = new ArrayList<>();
        int number = 0;
        for (String text = r.readLine(); text != null; text = r.readLine()) {
            number++;
            if (text.isBlank()) {
                continue;
            }
            try {
                JsonNode n = JSON.readTree(text);
                String kind = text(n, "kind");
                if (header == null) {
                    if (!kind.equals("capture")) {
                        throw new IllegalArgumentException(
                                "the first line must be of kind 'capture', was '" + kind + "'");
                    }
                    header = header(n);
                } else if (kind.equals("message")) {
                    messages.add(message(n));
                } else if (kind.equals("kv")) {
                    keyValues.add(new CapturedKeyValue(
                            text(n, "bucket"), text(n, "key"), number(n, "revision"), bytes(n, "value")));
                } else {
                    throw new IllegalArgumentException("unknown kind '" + kind + "'");
                }
            } catch (JsonProcessingException | RuntimeException e) {
                throw new IllegalArgumentException(
                        "line " + number + " of the capture is not readable: " + e.getMessage(), e);
            }
        }
        if (header == null) {
            throw new IllegalArgumentException("the capture is empty: it has no 'capture' line");
        }
        return new HistoryCapture(header, messages, keyValues);
    }

    private static CaptureHeader header(JsonNode n) throws JsonProcessingException {
        int format = (int) number(n, "format");
        if (format != FORMAT) {
            throw new IllegalArgumentException(
                    "capture format " + format + " is not supported (this Verdict reads format " + FORMAT + ")");
        }
        Map<String, String> configs = new LinkedHashMap<>();
        JsonNode c = n.path("streamConfigs");
        for (Iterator<Map.Entry<String, JsonNode>> it = c.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            configs.put(e.getKey(), JSON.writeValueAsString(e.getValue()));
        }
        return new CaptureHeader(
                format,
                text(n, "stream"),
                text(n, "streamIdentity"),
                IsoInstant.parse(text(n, "capturedAt")),
                text(n, "verdictVersion"),
                configs);
    }

    private static CapturedMessage message(JsonNode n) throws JsonProcessingException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.path("headers").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            List<String> values = new ArrayList<>();
            e.getValue().forEach(v -> values.add(v.asText()));
            headers.put(e.getKey(), values);
        }
        return new CapturedMessage(
                number(n, "seq"),
                text(n, "subject"),
                headers,
                bytes(n, "payload"),
                IsoInstant.parse(text(n, "storedAt")));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "' is missing or not a string");
        }
        return v.asText();
    }

    private static long number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.canConvertToLong()) {
            throw new IllegalArgumentException("field '" + field + "' is missing or not an integer");
        }
        return v.asLong();
    }

    /** The bytes under {@code field} (embedded JSON), {@code fieldText} or {@code fieldBase64}. */
    private static byte[] bytes(JsonNode n, String field) throws JsonProcessingException {
        if (n.has(field)) {
            return JSON.writeValueAsBytes(n.get(field));
        }
        if (n.has(field + "Text")) {
            return text(n, field + "Text").getBytes(StandardCharsets.UTF_8);
        }
        if (n.has(field + "Base64")) {
            return Base64.getDecoder().decode(text(n, field + "Base64"));
        }
        throw new IllegalArgumentException(
                "none of '" + field + "', '" + field + "Text', '" + field + "Base64' is present");
    }

    /** Puts {@code bytes} as embedded JSON when that gives the same bytes back, else as text or base64. */
    private static void putBytes(ObjectNode n, String field, byte[] bytes) {
        String text = utf8(bytes);
        if (text == null) {
            n.put(field + "Base64", Base64.getEncoder().encodeToString(bytes));
            return;
        }
        try {
            JsonNode tree = JSON.readTree(text);
            if (tree != null && !tree.isMissingNode() && Arrays.equals(JSON.writeValueAsBytes(tree), bytes)) {
                n.set(field, tree);
                return;
            }
        } catch (JsonProcessingException notJson) {
            // kept as text
        }
        n.put(field + "Text", text);
    }

    /** {@code bytes} as UTF-8 text, or null when they are not valid UTF-8. */
    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static JsonNode parse(String json, String what) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(what + " is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static void line(Writer w, JsonNode n) throws IOException {
        try {
            w.write(JSON.writeValueAsString(n));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        w.write('\n');
    }
}
