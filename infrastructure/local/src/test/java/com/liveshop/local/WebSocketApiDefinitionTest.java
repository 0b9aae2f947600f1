package com.liveshop.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.liveshop.testkit.SamTemplate;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Template → WebSocket API definitions, on websocket-template.yaml (no HTTP). */
class WebSocketApiDefinitionTest {

    private List<WebSocketApiDefinition> apis;

    @BeforeEach
    void load() throws Exception {
        Path file = Path.of(getClass().getClassLoader().getResource("websocket-template.yaml").toURI());
        TemplateFunctions template = new TemplateFunctions(SamTemplate.load(file), Map.of("DataTable", "DataTable"), Map.of());
        apis = WebSocketApiDefinition.fromTemplate(template,
                template.instantiate(Map.of("WEBSOCKET_ENDPOINT", "http://127.0.0.1:1/_local/ws")));
    }

    private WebSocketApiDefinition api(String id) {
        return apis.stream().filter(a -> a.logicalId().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void samWebSocketApisGiveRoutesFunctionsStageAndRouteResponses() {
        assertThat(apis).extracting(WebSocketApiDefinition::logicalId).containsExactly("ChatApi", "AuthApi", "PlainApi");
        WebSocketApiDefinition chat = api("ChatApi");
        assertThat(chat.stage()).isEqualTo(WebSocketApiDefinition.SAM_DEFAULT_STAGE);
        assertThat(chat.apiId()).isEqualTo("chatapi");
        assertThat(chat.selectionPath()).containsExactly("action");
        assertThat(chat.routes().keySet()).containsExactly("$connect", "$disconnect", "$default", "echo", "reply", "fail", "seq");
        assertThat(chat.route("$connect").orElseThrow().function().logicalId()).isEqualTo("ConnectFunction");
        assertThat(chat.route("echo").orElseThrow().twoWay()).isTrue();
        assertThat(chat.route("reply").orElseThrow().twoWay()).isFalse();
        assertThat(chat.connectAuth()).isEqualTo("NONE");
    }

    @Test
    void aCustomAuthorizerIsReadWithItsIdentitySources() {
        WebSocketApiDefinition auth = api("AuthApi");
        assertThat(auth.stage()).isEqualTo("live");
        assertThat(auth.connectAuth()).isEqualTo("CUSTOM");
        assertThat(auth.authorizer().logicalId()).isEqualTo("AuthorizerFunction");
        assertThat(auth.identitySources()).containsExactly("route.request.querystring.token");
    }

    @Test
    void plainApiGatewayV2ResourcesAreFollowedFromRouteToIntegrationToFunction() {
        WebSocketApiDefinition plain = api("PlainApi");
        assertThat(plain.stage()).isEqualTo("prod");
        assertThat(plain.selectionPath()).containsExactly("type");
        assertThat(plain.routes()).containsOnlyKeys("ping");
        assertThat(plain.route("ping").orElseThrow().function().logicalId()).isEqualTo("EchoFunction");
        assertThat(plain.route("ping").orElseThrow().twoWay()).isTrue();
        assertThat(plain.route(WebSocketApiDefinition.DEFAULT)).isEmpty();
    }
}
