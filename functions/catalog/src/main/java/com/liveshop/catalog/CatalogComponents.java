package com.liveshop.catalog;

import com.liveshop.shared.aws.AwsClients;
import com.liveshop.shared.catalog.ProductRepository;
import com.liveshop.shared.config.AppConfig;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Wires the catalog service from configuration; built once per execution environment. */
final class CatalogComponents {

    private CatalogComponents() {}

    static CatalogService service(AppConfig config) {
        String table = config.required("CATALOG_TABLE");
        DynamoDbClient dynamo = AwsClients.dynamoDb(config);
        return new CatalogService(new ProductRepository(dynamo, AwsClients.enhanced(dynamo), table), Clock.systemUTC());
    }
}
