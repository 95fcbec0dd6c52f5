package dev.verdict.examples.pharmacy.app;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.core.StandardHost;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.tomcat.TomcatContextCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.CacheControl;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The web layer's set-up beyond Spring Boot's defaults: the console's static files, their security headers, URLs with
 * an encoded slash reaching the API (which answers them with its JSON errors), and the JSON error body also for what
 * Tomcat refuses itself.
 */
@Configuration(proxyBeanMethods = false)
class PharmacyWeb implements WebMvcConfigurer {

    /** The console's files, {@code /console/<file>} from the classpath folder {@code console/}; never cached stale. */
    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler("/console/**")
                .addResourceLocations("classpath:/console/")
                .setCacheControl(CacheControl.noCache());
    }

    /** UTF-8 text; the page loads nothing from elsewhere and runs no inline script; no content sniffing. */
    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new HandlerInterceptor() {
                    @Override
                    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
                        // the files are UTF-8: say so with their type (text/javascript; charset=utf-8, ...)
                        response.setCharacterEncoding("UTF-8");
                        response.setHeader("X-Content-Type-Options", "nosniff");
                        response.setHeader(
                                "Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
                        return true;
                    }
                })
                .addPathPatterns("/", "/console/**");
    }

    /**
     * Tomcat refuses a URL with an encoded slash ({@code %2F}) with its own HTML page by default; passed through, such
     * a path segment reaches Spring MVC, where it is not a valid id (400) or no console file (404), as JSON.
     */
    /**
     * What Tomcat refuses before the application sees it (a malformed URL) is answered with the API's JSON error body
     * ({@link JsonErrorReportValve}), not Tomcat's HTML page.
     */
    @Bean
    TomcatContextCustomizer jsonErrorReports() {
        return context -> {
            if (context.getParent() instanceof StandardHost host) {
                host.setErrorReportValveClass(JsonErrorReportValve.class.getName());
            }
        };
    }

    @Bean
    TomcatConnectorCustomizer encodedSlashesReachTheApi() {
        return connector -> connector.setEncodedSolidusHandling("passthrough");
    }
}
