package dev.verdict.examples.pharmacy.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pharmacy console's static files, read from the classpath folder {@code console/} (in {@code
 * src/main/resources}): {@code GET /} is {@code index.html}, {@code GET /console/<file>} the rest. Plain HTML, CSS
 * and JavaScript with no build step; the page is a client of the JSON API and of {@link LiveEvents}.
 *
 * <p>Only flat names with a known extension are served (no {@code ..}, no sub-folders); anything else is a JSON
 * {@code 404 not-found} like the API's.
 */
final class ConsoleFiles implements HttpHandler {
    private static final Pattern FILE = Pattern.compile("/console/([a-z0-9-]+)\\.(html|css|js|svg|png)");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png");

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                error(exchange, 405, "method-not-allowed", "use GET here, not " + method);
                return;
            }
            String name;
            String extension;
            if (path.equals("/")) {
                name = "index";
                extension = "html";
            } else {
                Matcher m = FILE.matcher(path);
                if (!m.matches()) {
                    error(exchange, 404, "not-found", "no such console file: " + path);
                    return;
                }
                name = m.group(1);
                extension = m.group(2);
            }
            byte[] body;
            try (InputStream in = ConsoleFiles.class.getResourceAsStream("/console/" + name + "." + extension)) {
                if (in == null) {
                    error(exchange, 404, "not-found", "no such console file: " + path);
                    return;
                }
                body = in.readAllBytes();
            }
            exchange.getResponseHeaders().set("Content-Type", TYPES.get(extension));
            exchange.getResponseHeaders().set("Cache-Control", "no-cache");
            exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            // the page loads nothing from elsewhere and runs no inline script
            exchange.getResponseHeaders()
                    .set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
            if (method.equals("HEAD")) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        byte[] body = ("{\"error\":\"" + code + "\",\"message\":\""
                        + message.replace("\\", "\\\\").replace("\"", "'") + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
