package dev.verdict.examples.pharmacy.app;

import java.io.IOException;
import java.io.Writer;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Tomcat's report of a request it refuses before the application sees it (a malformed URL, e.g. a broken
 * percent-encoding) as the API's JSON error – {@code {"error":"bad-request","message":...}} – instead of Tomcat's HTML
 * page. Errors inside the application are answered by {@link ApiErrors}; this valve writes nothing when an answer was
 * written already. Installed on the embedded Tomcat's host by {@link PharmacyWeb}.
 */
public final class JsonErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        String code = status == 404 ? "not-found" : status >= 500 ? "internal" : "bad-request";
        String message = status >= 500
                ? "unexpected server error; see the server log"
                : "the request was refused (" + status + "): the URL or the headers are malformed";
        try {
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write("{\"error\":\"" + code + "\",\"message\":\"" + message + "\"}");
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone or the response was committed: nothing more to say
        }
    }
}
