"""Signatures, 安全模式 decryption and reply encryption — all done by wechatpy, none here."""

from __future__ import annotations

from dataclasses import dataclass

from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.utils import check_signature

from api.config import Settings


class RejectedPush(Exception):
    """A push the channel will not process; `status` is the HTTP answer, `reason` is safe to log."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class PushParams:
    """The query string WeChat adds to every callback."""

    signature: str = ""
    timestamp: str = ""
    nonce: str = ""
    encrypt_type: str = ""
    msg_signature: str = ""

    @property
    def encrypted(self) -> bool:
        return self.encrypt_type.lower() == "aes"


class Codec:
    """Checks a push, opens it (plain or AES) and seals the reply the same way it came."""

    def __init__(self, settings: Settings) -> None:
        self._token = settings.wechat_token
        self._mode = settings.wechat_mode
        self._crypto: WeChatCrypto | None = None
        if settings.wechat_appid and len(settings.wechat_aes_key) == 43:
            self._crypto = WeChatCrypto(
                settings.wechat_token, settings.wechat_aes_key, settings.wechat_appid
            )

    def verify(self, params: PushParams) -> None:
        """The token signature every callback (GET and POST) carries."""
        if not (params.signature and params.timestamp and params.nonce):
            raise RejectedPush(403, "signature parameters missing")
        try:
            check_signature(self._token, params.signature, params.timestamp, params.nonce)
        except InvalidSignatureException as error:
            raise RejectedPush(403, "bad signature") from error

    def open(self, body: bytes, params: PushParams) -> str:
        """The message XML; encrypted pushes are decrypted (which checks msg_signature)."""
        self.verify(params)
        if not params.encrypted:
            if self._mode == "aes":
                raise RejectedPush(400, "plaintext push while WECHAT_MODE=aes")
            return body.decode("utf-8", errors="replace")
        if self._crypto is None or self._mode == "plain":
            raise RejectedPush(400, "encrypted push while WECHAT_MODE=plain")
        try:
            return self._crypto.decrypt_message(
                body, params.msg_signature, params.timestamp, params.nonce
            )
        except InvalidSignatureException as error:
            raise RejectedPush(403, "bad msg_signature") from error
        except InvalidAppIdException as error:
            raise RejectedPush(403, "encrypted for another AppID") from error
        except Exception as error:  # malformed XML or ciphertext: the library raises many types
            raise RejectedPush(400, f"undecryptable push ({type(error).__name__})") from error

    def seal(self, reply_xml: str, params: PushParams) -> str:
        """Encrypt the reply when the push was encrypted; "success" and empty replies stay plain."""
        if not params.encrypted or self._crypto is None or reply_xml in ("", "success"):
            return reply_xml
        return self._crypto.encrypt_message(reply_xml, params.nonce, params.timestamp)
