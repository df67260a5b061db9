/**
 * Every config key llmgate knows, per section, as data. To implement a LiteLLM key, move it from
 * `notImplemented` to `implemented` and add it to the matching schema in `schema.ts` (a test checks
 * that the two agree). Keys are listed as space-separated words to keep the lists easy to scan.
 *
 * Sources for the LiteLLM names: docs.litellm.ai/docs/proxy/config_settings and /docs/proxy/configs.
 */

export interface SectionKeys {
  /** Keys llmgate validates and uses. */
  readonly implemented: readonly string[];
  /** Keys LiteLLM documents that llmgate accepts with a warning and ignores. */
  readonly notImplemented: readonly string[];
  /** Keys accepted and kept as given, without validation (default request parameters). */
  readonly passThrough: readonly string[];
}

function section(implemented: string, notImplemented: string, passThrough = ""): SectionKeys {
  const words = (text: string): readonly string[] => text.split(/\s+/).filter((word) => word !== "");
  return {
    implemented: words(implemented),
    notImplemented: words(notImplemented),
    passThrough: words(passThrough),
  };
}

/** OpenAI request parameters a deployment may set as defaults in `litellm_params`. */
const openaiRequestParams = `
  temperature top_p n stop max_tokens max_completion_tokens presence_penalty frequency_penalty
  logit_bias user seed response_format tools tool_choice parallel_tool_calls functions function_call
  logprobs top_logprobs reasoning_effort stream stream_options service_tier modalities audio
  prediction metadata store web_search_options verbosity dimensions encoding_format suffix echo
  best_of`;

/** Section keys by path pattern: `""` is the top level, `[]` stands for any list index. */
export const knownKeysBySection: Readonly<Record<string, SectionKeys>> = {
  "": section(
    "model_list litellm_settings router_settings general_settings environment_variables",
    `guardrails callback_settings credential_list files_settings assistant_settings
     vector_store_registry include mcp_servers mcp_tools finetune_settings search_tools prompts
     batch_settings`,
  ),
  "model_list[]": section("model_name litellm_params model_info", "tpm rpm"),
  "model_list[].litellm_params": section(
    `model api_base base_url api_key organization api_version custom_llm_provider timeout
     stream_timeout max_retries num_retries supports_system_message drop_params
     additional_drop_params extra_headers extra_body mock_response rpm tpm weight order
     input_cost_per_token output_cost_per_token cache_read_input_token_cost region_name
     cooldown_time cache_creation_input_token_cost azure_ad_token aws_access_key_id aws_secret_access_key aws_session_token
     aws_region_name aws_bedrock_runtime_endpoint vertex_project vertex_location vertex_credentials`,
    `configurable_clientside_auth_params aws_profile_name
     aws_role_name aws_session_name aws_web_identity_token azure_ad_token_provider
     tenant_id client_id client_secret azure_username azure_password input_cost_per_second
     output_cost_per_second max_parallel_requests tags
     use_in_pass_through use_litellm_proxy litellm_credential_name merge_reasoning_content_in_choices
     max_budget budget_duration headers mock_testing_fallbacks auto_router_config
     litellm_trace_id`,
    openaiRequestParams,
  ),
  router_settings: section(
    `routing_strategy routing_strategy_args num_retries timeout stream_timeout retry_after
     allowed_fails cooldown_time disable_cooldowns fallbacks default_fallbacks
     context_window_fallbacks content_policy_fallbacks max_fallbacks model_group_alias retry_policy
     allowed_fails_policy enable_pre_call_checks redis_host redis_port redis_password redis_url
     model_group_retry_policy`,
    `redis_db enable_tag_filtering tag_filtering_match_any default_max_parallel_requests
     default_priority polling_interval default_litellm_params debug_level client_ttl cache_kwargs
     caching_groups alerting_config assistants_config set_verbose provider_budget_config
     cache_responses router_general_settings optional_pre_call_checks
     deployment_affinity_ttl_seconds ignore_invalid_deployments search_tools guardrail_list`,
  ),
  "router_settings.retry_policy": section(
    `BadRequestErrorRetries AuthenticationErrorRetries TimeoutErrorRetries RateLimitErrorRetries
     ContentPolicyViolationErrorRetries InternalServerErrorRetries`,
    "",
  ),
  "router_settings.allowed_fails_policy": section(
    `BadRequestErrorAllowedFails AuthenticationErrorAllowedFails TimeoutErrorAllowedFails
     RateLimitErrorAllowedFails ContentPolicyViolationErrorAllowedFails
     InternalServerErrorAllowedFails`,
    "",
  ),
  litellm_settings: section(
    `drop_params num_retries request_timeout fallbacks default_fallbacks context_window_fallbacks
     content_policy_fallbacks set_verbose json_logs success_callback failure_callback callbacks
     turn_off_message_logging cache cache_params`,
    `max_budget budget_duration service_callbacks
     redact_user_api_key_info redact_messages_in_exceptions
     langfuse_default_tags modify_params enable_preview_features force_ipv4 mcp_aliases
     disable_end_user_cost_tracking disable_end_user_cost_tracking_prometheus_only
     key_generation_settings disable_add_transform_inline_image_block disable_hf_tokenizer_download
     enable_json_schema_validation enable_key_alias_format_validation
     use_chat_completions_url_for_anthropic_messages disable_copilot_system_to_assistant
     max_parallel_requests max_end_user_budget default_team_settings default_internal_user_params
     default_key_generate_params upperbound_key_generate_params public_model_groups
     return_response_headers ssl_verify telemetry model_group_alias_map allowed_fails
     callback_settings`,
  ),
  "litellm_settings.cache_params": section(
    `type host port password username url db ssl socket_timeout ttl default_in_memory_ttl
     default_in_redis_ttl namespace mode supported_call_types max_size_mb shared_across_teams`,
    `similarity_threshold redis_semantic_cache_use_async redis_semantic_cache_embedding_model
     redis_semantic_cache_index_name redis_flush_size redis_startup_nodes service_name sentinel_nodes
     sentinel_password max_connections ssl_cert_reqs ssl_ca_certs ssl_check_hostname
     gcp_service_account gcp_ssl_ca_certs s3_bucket_name s3_region_name s3_api_version s3_use_ssl
     s3_verify s3_endpoint_url s3_aws_access_key_id s3_aws_secret_access_key s3_aws_session_token
     s3_config s3_path disk_cache_dir qdrant_api_base qdrant_api_key qdrant_collection_name
     qdrant_quantization_config qdrant_semantic_cache_embedding_model
     qdrant_semantic_cache_vector_size gcs_bucket_name gcs_path_service_account gcs_path
     azure_account_url azure_blob_container`,
  ),
  general_settings: section(
    `master_key database_url max_request_size_mb allow_client_side_credentials
     user_api_key_cache_ttl proxy_batch_write_at proxy_budget_rescheduler_min_time
     max_response_size_mb client_request_timeout graceful_shutdown_timeout
     require_auth_for_metrics_endpoint`,
    `disable_spend_logs database_connection_pool_limit completion_model store_prompts_in_spend_logs forward_client_headers_to_llm_api
     disable_spend_updates disable_master_key_return disable_retry_on_max_parallel_request_limit_error
     disable_reset_budget disable_adding_master_key_hash_to_db disable_responses_id_security
     enable_jwt_auth enforce_user_param reject_clientside_metadata_tags allowed_routes
     key_management_system maximum_spend_logs_retention_period maximum_spend_logs_retention_interval
     user_mcp_management_mode database_connection_timeout allow_requests_on_db_unavailable
     custom_auth max_parallel_requests global_max_parallel_requests infer_model_from_keys
     background_health_checks health_check_interval health_check_details alerting
     alerting_threshold alerting_args alert_types alert_to_webhook_url
     use_client_credentials_pass_through_routes public_routes admin_only_routes enforced_params
     enable_oauth2_auth enable_oauth2_proxy_auth use_x_forwarded_for service_account_settings
     image_generation_model embedding_model moderation_model store_model_in_db
     supported_db_objects proxy_budget_rescheduler_max_time
     proxy_batch_polling_interval custom_key_generate allowed_ips default_team_disabled
     key_management_settings allow_user_auth disable_prisma_schema_update litellm_key_header_name
     custom_sso use_azure_key_vault use_google_kms spend_report_frequency ui_access_mode
     litellm_jwtauth litellm_license oauth2_config_mappings pass_through_endpoints
     forward_openai_org_id`,
  ),
};

/** Every key accepted in a section, in any of the three groups. */
export function allKnownKeys(keys: SectionKeys): readonly string[] {
  return [...keys.implemented, ...keys.passThrough, ...keys.notImplemented];
}
