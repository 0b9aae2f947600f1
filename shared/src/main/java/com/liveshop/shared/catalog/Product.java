package com.liveshop.shared.catalog;

import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbPartitionKey;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbSecondaryPartitionKey;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbSecondarySortKey;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbSortKey;

/** A product's details item (pk=PRODUCT#sku, sk=DETAILS). Prices are in minor units of {@code currency}. */
@DynamoDbBean
public class Product {

    private String pk;
    private String sk = CatalogKeys.DETAILS_SK;
    private String gsi1pk = CatalogKeys.PRODUCT_TYPE;
    private String gsi1sk;
    private String sku;
    private String title;
    private String description;
    private Long priceCents;
    private String currency;
    private String imageUrl;
    private String createdAt;
    private String updatedAt;
    /** A live-show deal (set by a session highlight): the price holds lock in until {@code dealEndsAt}. */
    private Long dealPriceCents;

    private String dealEndsAt;
    /** How many stock buckets (STOCK#0..n-1) the units are spread over; absent on older items = 1. */
    private Integer stockShards;

    public Product() {}

    public static Product of(String sku) {
        Product p = new Product();
        p.setSku(sku);
        p.setPk(CatalogKeys.productPk(sku));
        p.setGsi1sk(sku);
        return p;
    }

    @DynamoDbPartitionKey
    public String getPk() {
        return pk;
    }

    public void setPk(String pk) {
        this.pk = pk;
    }

    @DynamoDbSortKey
    public String getSk() {
        return sk;
    }

    public void setSk(String sk) {
        this.sk = sk;
    }

    @DynamoDbSecondaryPartitionKey(indexNames = CatalogKeys.BY_TYPE_INDEX)
    public String getGsi1pk() {
        return gsi1pk;
    }

    public void setGsi1pk(String gsi1pk) {
        this.gsi1pk = gsi1pk;
    }

    @DynamoDbSecondarySortKey(indexNames = CatalogKeys.BY_TYPE_INDEX)
    public String getGsi1sk() {
        return gsi1sk;
    }

    public void setGsi1sk(String gsi1sk) {
        this.gsi1sk = gsi1sk;
    }

    public String getSku() {
        return sku;
    }

    public void setSku(String sku) {
        this.sku = sku;
    }

    public String getTitle() {
        return title;
    }

    public void setTitle(String title) {
        this.title = title;
    }

    public String getDescription() {
        return description;
    }

    public void setDescription(String description) {
        this.description = description;
    }

    public Long getPriceCents() {
        return priceCents;
    }

    public void setPriceCents(Long priceCents) {
        this.priceCents = priceCents;
    }

    public String getCurrency() {
        return currency;
    }

    public void setCurrency(String currency) {
        this.currency = currency;
    }

    public String getImageUrl() {
        return imageUrl;
    }

    public void setImageUrl(String imageUrl) {
        this.imageUrl = imageUrl;
    }

    public String getCreatedAt() {
        return createdAt;
    }

    public void setCreatedAt(String createdAt) {
        this.createdAt = createdAt;
    }

    public String getUpdatedAt() {
        return updatedAt;
    }

    public void setUpdatedAt(String updatedAt) {
        this.updatedAt = updatedAt;
    }

    public Long getDealPriceCents() {
        return dealPriceCents;
    }

    public void setDealPriceCents(Long dealPriceCents) {
        this.dealPriceCents = dealPriceCents;
    }

    public String getDealEndsAt() {
        return dealEndsAt;
    }

    public void setDealEndsAt(String dealEndsAt) {
        this.dealEndsAt = dealEndsAt;
    }

    public Integer getStockShards() {
        return stockShards;
    }

    public void setStockShards(Integer stockShards) {
        this.stockShards = stockShards;
    }

    /** The number of stock buckets, at least 1. */
    public int shards() {
        return stockShards == null || stockShards < 1 ? 1 : stockShards;
    }

    /** The deal price if a deal below the list price runs at {@code now}, else empty. */
    public java.util.OptionalLong activeDealPriceCents(java.time.Instant now) {
        if (dealPriceCents == null || dealEndsAt == null || priceCents == null || dealPriceCents >= priceCents) {
            return java.util.OptionalLong.empty();
        }
        try {
            return now.isBefore(java.time.Instant.parse(dealEndsAt))
                    ? java.util.OptionalLong.of(dealPriceCents)
                    : java.util.OptionalLong.empty();
        } catch (java.time.format.DateTimeParseException e) {
            return java.util.OptionalLong.empty();
        }
    }
}
