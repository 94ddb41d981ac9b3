package dev.courier.it;

import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The built war on Payara Micro, driven from outside as its users drive it. Each subclass gets a
 * Micro of its own (about 20 s), so tests are grouped into few classes.
 */
// the order matters: wait for the previous Micro before Arquillian starts the next
@ExtendWith({PreviousCourierGone.class, ArquillianExtension.class})
@RunAsClient
abstract class CourierIT {

  @Deployment(testable = false)
  static WebArchive deployment() {
    return Courier.war();
  }

  @ArquillianResource URL base;
  Courier courier;

  @BeforeEach
  void connect() {
    courier = new Courier(base);
  }
}
