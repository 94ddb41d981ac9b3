package dev.courier.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class TemplateTest {

  @Test
  void findsAndFillsPlaceholders() {
    var template = new Template("Dear {{name}}, order {{ order }} ({{name}}) costs $5");
    assertThat(template.placeholders()).containsExactly("name", "order");
    assertThat(template.fill(Map.of("name", "Ann $1", "order", "A-17"), UnaryOperator.identity()))
        .isEqualTo("Dear Ann $1, order A-17 (Ann $1) costs $5");
  }

  @Test
  void escapesValuesForHtml() {
    var template = new Template("<p>{{name}}</p>");
    assertThat(template.fill(Map.of("name", "<b>\"Bob\" & 'co'</b>"), Template::escapeHtml))
        .isEqualTo("<p>&lt;b&gt;&quot;Bob&quot; &amp; &#39;co&#39;&lt;/b&gt;</p>");
  }
}
