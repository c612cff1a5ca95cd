from django.apps import AppConfig


class WellnessConfig(AppConfig):
    name = "usalama.wellness"
    label = "wellness"
    verbose_name = "Wellness"

    def ready(self) -> None:
        # `usalama keys rotate` re-encrypts the notes too (they are not EncryptedTextFields:
        # they may be under a dedicated key, USALAMA_WELLNESS_KEY).
        from usalama.accounts import sealing
        from usalama.wellness import crypto

        sealing.register_reencryptor(crypto.reencrypt_all)
