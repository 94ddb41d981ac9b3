package dev.courier;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

@ApplicationPath("api")
@OpenAPIDefinition(
    info =
        @Info(
            title = "Courier",
            version = "0.1.0",
            description =
                "Background tasks and messaging on an embedded Apache Artemis broker: submit, find,"
                    + " list and cancel tasks; schedules; queues and their dead letters; topics,"
                    + " streams and logs. Every call logs in with HTTP Basic (role admin: all;"
                    + " submitter: submit and read its own tasks, publish). Errors are"
                    + " application/problem+json (type, title, status, detail)."),
    security = @SecurityRequirement(name = "basic"))
@SecurityScheme(
    securitySchemeName = "basic",
    type = SecuritySchemeType.HTTP,
    scheme = "basic",
    description = "a user of Courier's user store (courier.users.*)")
public class JAXRSConfiguration extends Application {}
