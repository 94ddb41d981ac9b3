package dev.courier.console;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import java.util.Map;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;

/**
 * Adds the JAAS realm {@value #REALM} (hawtio.realm) to the JVM's login configuration, handing
 * every other realm to the server's own configuration.
 */
@WebListener
public class CourierRealm implements ServletContextListener {

  public static final String REALM = "courier";

  @Override
  public void contextInitialized(ServletContextEvent event) {
    Configuration server = Configuration.getConfiguration();
    AppConfigurationEntry[] courier = {
      new AppConfigurationEntry(
          CourierLoginModule.class.getName(),
          AppConfigurationEntry.LoginModuleControlFlag.REQUIRED,
          Map.of())
    };
    Configuration.setConfiguration(
        new Configuration() {
          @Override
          public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
            return REALM.equals(name) ? courier : server.getAppConfigurationEntry(name);
          }
        });
  }
}
