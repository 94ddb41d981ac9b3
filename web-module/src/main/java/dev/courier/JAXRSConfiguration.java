package dev.courier;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;

@ApplicationPath("api")
@OpenAPIDefinition(
    info =
        @Info(
            title = "Courier",
            version = "0.1.0",
            description =
                "Background tasks and messaging on an embedded Apache Artemis broker: submit, find,"
                    + " list and cancel tasks; schedules; queues and their dead letters. Errors are"
                    + " application/problem+json (type, title, status, detail)."))
public class JAXRSConfiguration extends Application {}
