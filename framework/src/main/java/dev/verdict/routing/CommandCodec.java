package dev.verdict.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verdict.store.codec.VerdictObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a command into bytes and back, so that an instance that does not own an entity can forward its command to the
 * one that does. Commands are never stored: the encoding only has to be understood by the instances running at the
 * same time (during a rolling deploy: by the previous and the next release).
 *
 * <pre>{@code
 * CommandCodec<RxCommand> commands = CommandCodec.json(Dispense.class, Cancel.class);
 * }</pre>
 *
 * @param <C> the command type
 */
public interface CommandCodec<C> {

    /** The command's bytes. */
    byte[] encode(C command);

    /** The command the bytes encode; throws {@link IllegalArgumentException} when they encode none. */
    C decode(byte[] bytes);

    /**
     * JSON of each command type listed (records, as Jackson writes them), tagged with the type's simple name – the
     * names must differ.
     */
    @SafeVarargs
    static <C> CommandCodec<C> json(Class<? extends C>... types) {
        ObjectMapper json = VerdictObjectMapper.create();
        Map<String, Class<? extends C>> byName = new HashMap<>();
        for (Class<? extends C> type : List.of(types)) {
            if (byName.put(type.getSimpleName(), type) != null) {
                throw new IllegalArgumentException("two command types named " + type.getSimpleName());
            }
        }
        return new CommandCodec<>() {
            @Override
            public byte[] encode(C command) {
                String name = command.getClass().getSimpleName();
                if (byName.get(name) != command.getClass()) {
                    throw new IllegalArgumentException(
                            "no codec for command type " + command.getClass().getName());
                }
                ObjectNode node = json.createObjectNode();
                node.put("type", name);
                node.set("command", json.valueToTree(command));
                try {
                    return json.writeValueAsBytes(node);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public C decode(byte[] bytes) {
                try {
                    JsonNode node = json.readTree(bytes);
                    Class<? extends C> type = byName.get(node.path("type").asText());
                    if (type == null) {
                        throw new IllegalArgumentException(
                                "unknown command type '" + node.path("type").asText() + "'");
                    }
                    return json.treeToValue(node.get("command"), type);
                } catch (IOException e) {
                    throw new IllegalArgumentException("not a command: " + e.getMessage(), e);
                }
            }
        };
    }
}
