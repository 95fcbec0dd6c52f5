package dev.verdict.examples.pharmacy.app;

import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The pharmacy console's page at {@code GET /}: plain HTML, CSS and JavaScript with no build step (its other files are
 * served from {@code /console/}, see {@link PharmacyWeb}); the page is a client of the JSON API and of {@link
 * LiveEvents}.
 */
@RestController
final class ConsoleController {
    private static final MediaType HTML = MediaType.parseMediaType("text/html; charset=utf-8");

    @GetMapping("/")
    ResponseEntity<Resource> page() {
        return ResponseEntity.ok()
                .contentType(HTML)
                .cacheControl(CacheControl.noCache())
                .body(new ClassPathResource("console/index.html"));
    }
}
